package org.videoldm.train.stages;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.videoldm.data.ClipCaptions;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.GeneralConditioner;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.train.StepContext;
import org.videoldm.util.Seeds;

/**
 * Text conditioning of a diffusion stage on captioned clips: each clip's caption ({@link ClipCaptions}, by clip id) through
 * the frozen text encoder found next to the image LDM, with caption dropout ({@link GeneralConditioner}, ucg_rate) drawn
 * from (seed, step, micro-batch). Clips without a caption get the empty prompt.
 */
final class TextConditioning {
    private static final long DROPOUT = 0x7E47D50L;

    private final GeneralConditioner conditioner;
    private final ClipCaptions captions;
    private final Path folder;

    private TextConditioning(GeneralConditioner conditioner, ClipCaptions captions, Path folder) {
        this.conditioner = conditioner;
        this.captions = captions;
        this.folder = folder;
    }

    /** The text encoder and tokenizer of {@code folder} (the image LDM's), captions of the stage's data and caption files. */
    static TextConditioning load(Path folder, StageSettings<?> s, List<Path> captionFiles, double ucgRate, NDManager m) {
        FrozenCLIPEmbedder text = TextToVideoPipeline.loadTextEmbedder(folder, m);
        ClipCaptions c = ClipCaptions.of(StageRuns.clips(s, false), captionFiles);
        if (c.captioned() == 0) {
            throw new IllegalArgumentException("data '" + s.data + "': no clip has a caption (procedural clips are captioned from their scenes; "
                    + "give your videos a captions.txt or --captions FILE, see datasets/README.md)");
        }
        return new TextConditioning(new GeneralConditioner(text, ucgRate, GeneralConditioner.EMPTY_PROMPT), c, folder);
    }

    /** An image UNet config with cross-attention on this text encoder's last hidden states (SD's layout). */
    org.videoldm.model.UNetConfig withContext(org.videoldm.model.UNetConfig unet) {
        com.google.gson.JsonObject o = unet.toJson();
        o.addProperty("context_dim", conditioner.embedder().model().config().hidden_size());
        return org.videoldm.model.UNetConfig.fromJson(o);
    }

    /** Captions of procedural scenes as preview prompts: what the data teaches, fixed by the seed. */
    static List<String> previewPrompts(int n, long seed) {
        List<String> out = new ArrayList<>();
        org.videoldm.data.SyntheticDriving gen = new org.videoldm.data.SyntheticDriving(n, 1, 8, 8, seed + 1000);
        for (int i = 0; i < n; i++) {
            out.add(gen.caption(i));
        }
        return out;
    }

    /** The micro-batch's crossattn conditioning, one row per frame. */
    Conditioning batch(StepContext ctx, List<String> clipIds, int frames) {
        List<String> text = new ArrayList<>(clipIds.size());
        for (String id : clipIds) {
            text.add(captions.caption(id));
        }
        return conditioner.forward(ctx.manager(), text, Seeds.derive(ctx.seed(), DROPOUT, ctx.step(), ctx.micro()), frames);
    }

    GeneralConditioner conditioner() {
        return conditioner;
    }

    ClipCaptions captions() {
        return captions;
    }

    /** Copies the text encoder (with its card) and tokenizer next to an exported network, so its folder samples on its own. */
    void copyTo(Path out) {
        copyTextEncoder(folder, out);
    }

    /** Copies the text encoder (with its card) and tokenizer of {@code folder} into {@code out}. */
    static void copyTextEncoder(Path folder, Path out) {
        if (out.toAbsolutePath().normalize().equals(folder.toAbsolutePath().normalize())) {
            return;
        }
        try {
            Files.createDirectories(out.resolve(CheckpointFolder.TOKENIZER_DIR));
            for (String f : new String[] {CheckpointFolder.TEXT_ENCODER + ".safetensors", CheckpointFolder.TEXT_ENCODER + ".md"}) {
                copy(folder.resolve(f), out.resolve(f));
            }
            try (Stream<Path> files = Files.list(folder.resolve(CheckpointFolder.TOKENIZER_DIR))) {
                for (Path p : files.toList()) {
                    copy(p, out.resolve(CheckpointFolder.TOKENIZER_DIR).resolve(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot copy the text encoder from " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Copies a file if it is there, through a temporary file and a rename. */
    static void copy(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            return;
        }
        Path tmp = org.videoldm.util.AtomicFiles.temp(to.getParent(), "." + to.getFileName(), ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
