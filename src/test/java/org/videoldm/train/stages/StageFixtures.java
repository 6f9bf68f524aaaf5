package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.videoldm.data.DataSources;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/** Small data and networks for the stage tests: six procedural clips at the toy frame size, an untrained toy autoencoder. */
final class StageFixtures {
    private StageFixtures() {}

    /** Six procedural videos of 16 frames at 64 x 128 (one 8-frame clip each at 5 fps; one video held out). */
    static Path videos(Path dir) {
        return DataSources.synthetic(dir.resolve("videos"), new DataSources.Synthetic(6, 16, 64, 128, 3));
    }

    /** A toy-scale autoencoder with random weights, saved with a scale factor and frame size as the autoencoder stage does. */
    static Path autoencoder(Path dir) {
        Path file = dir.resolve("ckpt").resolve("autoencoder.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            AutoencoderKL ae = AutoencoderKL.fromJson(m, Scale.TOY.autoencoderKwargs());
            SavedNetwork.save(file, ae, SavedNetwork.meta().scaleFactor(0.8).frameSize(64, 128), false);
        }
        return file;
    }

    /** Settings of any stage pointed at the test folders: quiet, float32 export, no warm-up. */
    static <S extends StageSettings<S>> S quiet(S s, Path dir, Path videos) {
        return s.projectRoot(dir).data(videos.toString()).out(dir.resolve("ckpt")).runDir(dir.resolve("runs").resolve(s.stage()))
                .progress(Progress.Mode.QUIET).float16(false).warmup(0).checkpointEvery(0);
    }

    static final RunMode FULL = RunMode.FULL;
}
