package org.videoldm.train.stages;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.ClipSource;
import org.videoldm.data.LatentCache;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Seeds;

/**
 * Encodes the training and validation clips once with the trained autoencoder ({@code data.LatentCache}), so the
 * diffusion stages never run the encoder: {@code runs/latents/train/} and {@code runs/latents/validation/}. Each
 * training clip keeps one random crop and flip of its own (the diffusion stages flip latents again at random). A
 * cache made from the same autoencoder file, data and clip options is reused.
 */
public final class LatentCaching {
    public static final String STAGE = "latents";

    public static final class Settings extends StageSettings<Settings> {
        /** The autoencoder; default {@code autoencoder.safetensors} in the checkpoints folder. */
        public Path autoencoder;
        public int clipsPerShard = 256;
        public int batchClips = 4;
        /** Mirror training clips at random (off for captioned data, whose captions may say left or right). */
        public boolean flip = true;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            return new Settings(scale, mode);
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings autoencoder(Path v) { autoencoder = v; return this; }
        public Settings clipsPerShard(int v) { clipsPerShard = v; return this; }
        public Settings batchClips(int v) { batchClips = v; return this; }
        public Settings flip(boolean v) { flip = v; return this; }

        public Path autoencoderOrDefault() {
            return networkOrDefault(autoencoder, CheckpointFolder.AUTOENCODER);
        }

        @Override
        public String stage() {
            return STAGE;
        }
    }

    /**
     * @param train cache folder of the training clips
     * @param validation cache folder of the validation clips (null when the data has no validation videos)
     * @param data the data section for model cards
     * @param scaleFactor the autoencoder's scale factor
     * @param reused whether existing caches were used as they were
     */
    public record Result(Path train, Path validation, ModelCard.Data data, double scaleFactor, boolean reused, double seconds) {}

    private final Settings s;

    public LatentCaching(Settings settings) {
        this.s = settings;
    }

    /**
     * The latents of any stage's data and scale, made from {@code autoencoder} (reused when already there), in
     * {@code latents/} next to the stage's run folder ({@code runs/latents/} by default).
     */
    public static Result ensure(StageSettings<?> stage, Path autoencoder) {
        return ensure(stage, autoencoder, true);
    }

    /** As {@link #ensure(StageSettings, Path)}; unmirrored latents (for captioned training) are kept in {@code latents-unflipped/}. */
    public static Result ensure(StageSettings<?> stage, Path autoencoder, boolean flip) {
        Settings c = Settings.defaults(stage.scale, stage.mode).data(stage.data).projectRoot(stage.projectRoot).seed(stage.seed)
                .autoencoder(autoencoder).progress(stage.progress).flip(flip)
                .runDir(stage.runDirOrDefault().toAbsolutePath().getParent().resolve(flip ? STAGE : STAGE + "-unflipped"));
        return new LatentCaching(c).run();
    }

    public Result run() {
        long t0 = System.nanoTime();
        Path aePath = s.autoencoderOrDefault();
        ClipDataset ds = StageRuns.clips(s, s.flip);
        ClipOptions o = ds.options();
        String description = String.format(Locale.ROOT, "%s sha256:%s; data %s; holdout %s; %d frames %dx%d at %s fps, spacing %d, seed %d",
                aePath.getFileName(), sha256(aePath), s.data, ds.holdOut().rules(), o.frames(), o.height(), o.width(), o.targetFps(), o.clipSpacing(), o.seed())
                + (s.flip ? "" : "; unflipped");
        Path dir = s.runDirOrDefault();
        Path trainDir = dir.resolve("train");
        Path valDir = ds.validation().size() > 0 ? dir.resolve("validation") : null;
        boolean reuse = matches(trainDir, description, ds.train().size()) && (valDir == null || matches(valDir, description, ds.validation().size()));
        double scaleFactor;
        if (reuse) {
            scaleFactor = Double.parseDouble(SavedNetwork.metadata(aePath).get(SavedNetwork.KEY_SCALE_FACTOR));
        } else {
            try (NDManager m = NDManager.newBaseManager()) {
                SavedNetwork saved = SavedNetwork.load(aePath, m);
                AutoencoderKL ae = saved.module(AutoencoderKL.class);
                ae.setTrainable(k -> false);
                scaleFactor = saved.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aePath + ": no "
                        + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata (train it with AutoencoderTraining, which measures it)"));
                FirstStage first = new FirstStage(ae, scaleFactor, description);
                LatentCache.write(perClipAugmentation(ds.train(), s.seed), first, trainDir, s.clipsPerShard, s.batchClips, m);
                if (valDir != null) {
                    LatentCache.write(ds.validation(), first, valDir, s.clipsPerShard, s.batchClips, m);
                }
            }
        }
        return new Result(trainDir, valDir, StageRuns.dataCard(s, ds), scaleFactor, reuse, (System.nanoTime() - t0) / 1e9);
    }

    /** Gives every clip its own crop and flip (the cache otherwise draws all of them from one seed). */
    static ClipSource perClipAugmentation(ClipSource source, long seed) {
        return new ClipSource() {
            @Override
            public int size() {
                return source.size();
            }

            @Override
            public String clipId(int index) {
                return source.clipId(index);
            }

            @Override
            public Clip clip(int index, long augmentSeed) {
                return source.clip(index, Seeds.derive(seed, 0x1A7E, index, augmentSeed));
            }
        };
    }

    private static boolean matches(Path dir, String description, int clips) {
        Path index = dir.resolve(LatentCache.INDEX);
        if (!Files.isRegularFile(index)) {
            return false;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(index)).getAsJsonObject();
            return description.equals(o.get("encoder").getAsString()) && o.get("clips").getAsInt() == clips;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static String sha256(Path file) {
        return org.videoldm.util.FileHash.sha256(file);
    }
}
