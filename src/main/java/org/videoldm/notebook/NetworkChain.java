package org.videoldm.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.videoldm.data.DataSources;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.stages.StageSettings;

/**
 * A notebook's chain of conditioned stages, laid out as {@code scripts/train-toy.sh} lays out its own: a run folder per
 * stage under {@code <name>/} and the networks in {@code <name>/checkpoints}, apart from the unconditional models' run
 * folders (whose runs the conditioned stages must not resume, the file names being the same). A shipped copy of the
 * chain's networks, when whole, is used instead of training.
 */
public abstract class NetworkChain {
    protected final Workbench wb;
    private final String name;
    private final String shipped;
    private final List<String> required;

    /**
     * @param name the chain's folder under the workbench's runs
     * @param shipped where its shipped networks live, relative to the project root
     * @param required the networks a shipped folder must hold to be used
     */
    protected NetworkChain(Workbench wb, String name, String shipped, String... required) {
        this.wb = wb;
        this.name = name;
        this.shipped = shipped;
        this.required = List.of(required);
    }

    /** The chain's run folders. */
    public Path runs() {
        return wb.runs().resolve(name);
    }

    /** The networks the chain trains (and the autoencoder copied in). */
    public Path checkpoints() {
        return runs().resolve("checkpoints");
    }

    public Path shipped() {
        return wb.root.resolve(shipped);
    }

    /** True when the shipped folder holds the autoencoder and every required network. */
    public boolean hasShipped() {
        CheckpointFolder f = CheckpointFolder.of(shipped());
        return f.has(CheckpointFolder.AUTOENCODER) && required.stream().allMatch(f::has);
    }

    /** Points a stage at the chain: the workbench's data and progress, run folder {@code <name>/<command>}, networks in and out of {@link #checkpoints}. */
    public <S extends StageSettings<S>> S stage(S settings) {
        return wb.stage(settings).runDir(runs().resolve(settings.command())).checkpoints(checkpoints()).out(checkpoints());
    }

    /**
     * The project's hand-made sidecar for the development drives, {@code datasets/<kind>/driving.txt} (kind: captions,
     * labels), when it exists and the data has real footage; procedural clips carry their own.
     */
    protected List<Path> projectSidecar(String kind) {
        Path f = wb.root.resolve("datasets").resolve(kind).resolve("driving.txt");
        boolean real = Arrays.stream(wb.data.split("\\+")).anyMatch(d -> !d.startsWith(DataSources.SYNTHETIC));
        return real && Files.isRegularFile(f) ? List.of(f) : List.of();
    }

    /** The notebooks' unconditional image LDM (notebook 01's), which the conditioned one starts from; null when there is none. */
    public Path unconditionalImageLdm() {
        CheckpointFolder f = CheckpointFolder.of(wb.checkpoints());
        return f.has(CheckpointFolder.IMAGE_LDM) ? f.network(CheckpointFolder.IMAGE_LDM) : null;
    }

    /**
     * Copies the autoencoder (with its card) into {@link #checkpoints} unless one is there: notebook 01's, else the shipped
     * one; the chain's stages encode with it and its folder decodes with it. Returns the file copied, or the one there.
     */
    public Path copyAutoencoder() {
        Path into = checkpoints();
        Path target = into.resolve(CheckpointFolder.AUTOENCODER + ".safetensors");
        if (Files.isRegularFile(target)) {
            return target;
        }
        CheckpointFolder from = CheckpointFolder.of(CheckpointFolder.of(wb.checkpoints()).has(CheckpointFolder.AUTOENCODER) ? wb.checkpoints()
                : wb.shippedCheckpoints());
        try {
            Files.createDirectories(into);
            // the weights last: their presence means the copy is whole
            for (Path src : new Path[] {from.card(CheckpointFolder.AUTOENCODER), from.require(CheckpointFolder.AUTOENCODER)}) {
                if (Files.isRegularFile(src)) {
                    Path tmp = into.resolve("." + src.getFileName() + ".tmp");
                    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, into.resolve(src.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the autoencoder into " + wb.relative(into) + ": " + e.getMessage(), e);
        }
        return from.network(CheckpointFolder.AUTOENCODER);
    }
}
