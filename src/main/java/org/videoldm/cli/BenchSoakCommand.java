package org.videoldm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.util.ProcessMemory;
import org.videoldm.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Native memory over a long training run: temporal alignment of a VideoUNet on random latents through the real
 * trainer (one sub-manager per step, AdamW, EMA), printing resident memory every {@code --every} steps. A loop that
 * leaks a few arrays per step grows by megabytes per thousand steps here.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Resident memory over a long temporal-alignment run through the trainer (random latents): one line every --every steps "
                + "with RSS (after a full GC), its growth since the first report, and the Java heap in use.")
public final class BenchSoakCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "10000", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--every", defaultValue = "1000", description = "Report every N steps (default ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--network", defaultValue = "small", description = "small (model_channels 32, channel_mult [1,2], 4x8x16 latents: fast) "
            + "or bench (the bench unet network, 4x16x32 latents). Default: ${DEFAULT-VALUE}.")
    String network;

    @Option(names = "--frames", defaultValue = "4", description = "Frames per clip (default ${DEFAULT-VALUE}).")
    int frames;

    @Override
    public Integer call() {
        boolean small = switch (network) {
            case "small" -> true;
            case "bench" -> false;
            default -> throw new IllegalArgumentException("--network must be small or bench, got " + network);
        };
        JsonObject kwargs = JsonParser.parseString(small ? """
                {"in_channels": 4, "model_channels": 32, "out_channels": 4, "num_res_blocks": 1, "attention_resolutions": [2],
                 "channel_mult": [1, 2], "num_head_channels": 16, "context_dim": 32}""" : UNetBench.DEFAULT_UNET).getAsJsonObject();
        long[] chw = small ? new long[] {4, 8, 16} : new long[] {4, 16, 32};
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            VideoUNet unet = new VideoUNet(m, VideoUNetConfig.svd(UNetConfig.fromJson(kwargs)));
            TemporalParameters.freezeSpatial(unet);
            DiffusionStage stage = BenchTrainCommand.stage(unet, true, chw, frames, frames, 8);
            System.out.printf(Locale.ROOT, "soak: %s VideoUNet (%,d parameters, temporal trainable), 1 clip of %d frames of %dx%dx%d latents, %,d steps%n",
                    network, unet.parameterCount(), frames, chw[0], chw[1], chw[2], steps);
            System.out.printf(Locale.ROOT, "%8s %10s %12s %12s %10s%n", "step", "RSS MB", "growth MB", "heap MB", "s/step");
            long[] first = {-1};
            long[] lastTime = {System.nanoTime()};
            TrainerConfig cfg = new TrainerConfig().lr(1e-4).gradClip(1.0).emaDecay(0.999).progress(Progress.Mode.QUIET);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, cfg)) {
                t.run(steps, (step, loss, lr, g, it, eta) -> {
                    if (step % every != 0 && step != 1) {
                        return;
                    }
                    // a full collection first, so that the Java heap's own growth between collections is not read as a leak
                    System.gc();
                    long rss = ProcessMemory.residentMb();
                    if (first[0] < 0) {
                        first[0] = rss;
                    }
                    Runtime rt = Runtime.getRuntime();
                    long now = System.nanoTime();
                    double perStep = step == 1 ? Double.NaN : (now - lastTime[0]) / 1e9 / every;
                    lastTime[0] = now;
                    System.out.printf(Locale.ROOT, "%8d %10d %12d %12d %10.3f%n", step, rss, rss - first[0], (rt.totalMemory() - rt.freeMemory()) >> 20,
                            perStep);
                });
            }
            return 0;
        }
    }
}
