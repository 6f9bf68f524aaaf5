package org.videoldm.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.stages.StageSettings;

/**
 * The folders of notebook 07's text-to-video chain, laid out as {@code scripts/train-toy.sh t2v} lays out its own: one
 * run folder per stage ({@code t2v/clip}, {@code t2v/image-ldm}, {@code t2v/temporal}, ...) and the networks in
 * {@code t2v/checkpoints}, apart from the unconditional models' run folders (whose {@code image_ldm} run the text-to-image
 * stage must not resume). The shipped text-to-video networks, when present, are {@code checkpoints/toy-t2v}.
 */
public final class TextToVideoRuns {
    /** Where the shipped toy text-to-video networks live, relative to the project root. */
    public static final String SHIPPED = "checkpoints/toy-t2v";

    /**
     * The subject of a personalisation run.
     *
     * @param dir the folder its frames were written to (PNG images in order)
     * @param video the video they come from
     * @param frames how many frames were written
     * @param real whether they are real footage (else a procedural clip)
     */
    public record Subject(Path dir, String video, int frames, boolean real) {}

    private final Workbench wb;

    public TextToVideoRuns(Workbench wb) {
        this.wb = wb;
    }

    /** The chain's run folders. */
    public Path runs() {
        return wb.runs().resolve("t2v");
    }

    /** The networks the chain trains: autoencoder (copied), text encoder and tokenizer, clip_toy, image_ldm, video_ldm. */
    public Path checkpoints() {
        return runs().resolve("checkpoints");
    }

    public Path shipped() {
        return wb.root.resolve(SHIPPED);
    }

    /** True when the shipped folder holds a whole text-to-video model (autoencoder, text encoder, video LDM). */
    public boolean hasShipped() {
        CheckpointFolder f = CheckpointFolder.of(shipped());
        return f.has(CheckpointFolder.AUTOENCODER) && f.has(CheckpointFolder.TEXT_ENCODER) && f.has(CheckpointFolder.VIDEO_LDM);
    }

    /** Points a stage at the chain: the workbench's data and progress, run folder {@code t2v/<command>}, networks in and out of {@link #checkpoints}. */
    public <S extends StageSettings<S>> S stage(S settings) {
        return wb.stage(settings).runDir(runs().resolve(settings.command())).checkpoints(checkpoints()).out(checkpoints());
    }

    /**
     * Caption files for the real clips: the project's hand-written captions of the development drives
     * ({@code datasets/captions/driving.txt}) when the project has them and the data has real footage; procedural clips
     * are captioned from their scenes.
     */
    public List<Path> captionFiles() {
        Path f = wb.root.resolve("datasets").resolve("captions").resolve("driving.txt");
        boolean realFootage = java.util.Arrays.stream(wb.data.split("\\+")).anyMatch(d -> !d.startsWith(org.videoldm.data.DataSources.SYNTHETIC));
        return realFootage && java.nio.file.Files.isRegularFile(f) ? List.of(f) : List.of();
    }

    /**
     * The notebooks' unconditional image LDM (notebook 01's, in the workbench's checkpoints), which the text-to-image LDM
     * starts from; null when there is none.
     */
    public Path unconditionalImageLdm() {
        CheckpointFolder f = CheckpointFolder.of(wb.checkpoints());
        return f.has(CheckpointFolder.IMAGE_LDM) ? f.network(CheckpointFolder.IMAGE_LDM) : null;
    }

    /**
     * Copies the autoencoder (with its card) into {@link #checkpoints} unless one is there: notebook 01's, else the shipped
     * one. The text stages encode with it and the text-to-video folder decodes with it. Returns the file copied, or the
     * one already there.
     */
    public Path copyAutoencoder() {
        return copyAutoencoder(wb, checkpoints());
    }

    /** As {@link #copyAutoencoder()}, into {@code into} (another chain's networks folder). */
    static Path copyAutoencoder(Workbench wb, Path into) {
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

    /** The rows of a model card's table whose key starts with one of {@code keys} (steps, final loss, metrics, ...), one a line. */
    public static String cardRows(Path card, String... keys) {
        try {
            return String.join("\n", Files.readAllLines(card).stream()
                    .filter(l -> java.util.Arrays.stream(keys).anyMatch(k -> l.startsWith("| " + k))).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(card + ": cannot read the model card: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the frames of one drive to {@code t2v/subject/} as PNG images for DreamBooth: the clips (at most
     * {@code maxClips}) of the first video of {@code real}, or, without real footage, the first clip of {@code procedural}.
     */
    public Subject writeSubject(ClipSource real, ClipSource procedural, int maxClips) {
        boolean isReal = real.size() > 0;
        ClipSource from = isReal ? real : procedural;
        if (from.size() == 0) {
            throw new IllegalArgumentException("no held-out clip to take a subject from");
        }
        String video = videoOf(from.clipId(0));
        List<RgbFrame> frames = new ArrayList<>();
        for (int i = 0, taken = 0; i < from.size() && taken < (isReal ? maxClips : 1); i++) {
            if (videoOf(from.clipId(i)).equals(video)) {
                frames.addAll(from.clip(i).frameList());
                taken++;
            }
        }
        Path dir = runs().resolve("subject");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".png")).toList()) {
                    Files.delete(p);
                }
            }
            for (int t = 0; t < frames.size(); t++) {
                ImageIO.write(frames.get(t).toImage(), "png", dir.resolve(String.format(Locale.ROOT, "frame_%03d.png", t)).toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the subject's frames to " + wb.relative(dir) + ": " + e.getMessage(), e);
        }
        return new Subject(dir, video, frames.size(), isReal);
    }

    /** The video of a clip id ({@code folder/file@first-frame}). */
    static String videoOf(String clipId) {
        int at = clipId.lastIndexOf('@');
        return at < 0 ? clipId : clipId.substring(0, at);
    }
}
