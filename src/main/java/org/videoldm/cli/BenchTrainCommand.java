package org.videoldm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.util.Progress;
import org.videoldm.util.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time and memory of one training step (forward, backward, AdamW, EMA) of the notebook-size network (the same
 * configuration as {@code bench unet}), with frozen spatial and trainable temporal layers (the paper's temporal
 * alignment) and with all layers trainable.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Time and peak memory of one training step (forward, backward, AdamW, EMA) of the notebook-size network "
                + "(model_channels 64, channel_mult [1,2,2], attention at the two lower resolutions, 8 frames of 4x16x32 latents, 1 video): "
                + "frozen spatial + trainable temporal layers vs. all layers trainable.")
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--network", defaultValue = "video", description = "video (VideoUNet, SVD-style temporal layers) or image (UNetModel). "
            + "Default: ${DEFAULT-VALUE}.")
    String network;

    @Option(names = "--frames", defaultValue = "8", description = "Frames per video (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--latent", defaultValue = "4x16x32", description = "Latent frame C x H x W (default ${DEFAULT-VALUE}).")
    String latent;

    @Option(names = "--batch", defaultValue = "1", description = "Videos per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--context-tokens", defaultValue = "8", description = "Text tokens per frame (default ${DEFAULT-VALUE}).")
    int contextTokens;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps per setting (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--trainable", description = "Regex of the parameters trained in the subset setting "
            + "(default: the temporal layers for video, output_blocks for image).")
    String trainable;

    @Override
    public Integer call() {
        boolean video = switch (network) {
            case "video" -> true;
            case "image" -> false;
            default -> throw new IllegalArgumentException("--network must be video or image, got " + network);
        };
        long[] chw = Arrays.stream(latent.split("x")).mapToLong(Long::parseLong).toArray();
        if (chw.length != 3) {
            throw new IllegalArgumentException("--latent must be C x H x W, e.g. 4x16x32, got " + latent);
        }
        JsonObject kwargs = JsonParser.parseString(UNetBench.DEFAULT_UNET).getAsJsonObject();
        kwargs.addProperty("in_channels", chw[0]);
        kwargs.addProperty("out_channels", chw[0]);
        UNetConfig cfg = UNetConfig.fromJson(kwargs);
        int rows = batch * frames;
        System.out.printf(Locale.ROOT, "network: %s, model_channels %d, channel_mult %s, attention at %s, context %dx%d%n",
                video ? "VideoUNet (SVD-style temporal layers)" : "UNetModel (image; the frames are a batch of images)", cfg.model_channels(),
                Arrays.toString(cfg.channel_mult()), Arrays.toString(cfg.attention_resolutions()), contextTokens, cfg.context_dim());
        System.out.printf(Locale.ROOT, "input: %d video(s) x %d frames of %s latents = [%d, %d, %d, %d]; threads %s%n",
                batch, frames, latent, rows, chw[0], chw[1], chw[2], System.getProperty("ai.djl.pytorch.num_threads", "default"));
        Predicate<String> subset = trainable != null ? Pattern.compile(trainable).asPredicate()
                : video ? TemporalParameters::isTemporal : Pattern.compile("output_blocks").asPredicate();
        String subsetName = trainable != null ? "subset (" + trainable + ")" : video ? "frozen spatial, trainable temporal" : "subset (output_blocks)";
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"setting", "trainable / all params", "step median", "step min", "peak RSS"});
        table.add(run(cfg, video, chw, rows, subsetName, subset));
        table.add(run(cfg, video, chw, rows, "all layers trainable", k -> true));
        for (String[] r : table) {
            System.out.printf(Locale.ROOT, "%-36s %24s %12s %12s %10s%n", (Object[]) r);
        }
        return 0;
    }

    private String[] run(UNetConfig cfg, boolean video, long[] chw, int rows, String name, Predicate<String> trainablePredicate) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            UNetModel unet = video ? new VideoUNet(m, VideoUNetConfig.svd(cfg)) : new UNetModel(m, cfg);
            unet.setTrainable(trainablePredicate);
            long trainableCount = unet.trainableParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            if (trainableCount == 0) {
                throw new IllegalArgumentException("the trainable subset matches no parameter");
            }
            DiffusionStage stage = stage(unet, video, chw, rows, frames, contextTokens);
            ProcessMemory.resetPeak();
            List<Double> times = new ArrayList<>();
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, new TrainerConfig().lr(1e-4).gradClip(1.0).progress(Progress.Mode.QUIET))) {
                long[] last = {System.nanoTime()};
                t.run(warmup + steps, (step, loss, lr, g, it, eta) -> {
                    long now = System.nanoTime();
                    if (step > warmup) {
                        times.add((now - last[0]) / 1e9);
                    }
                    last[0] = now;
                });
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new String[] {name, String.format(Locale.ROOT, "%.2f M / %.2f M", trainableCount / 1e6, unet.parameterCount() / 1e6),
                    String.format(Locale.ROOT, "%.3f s", sorted[sorted.length / 2]), String.format(Locale.ROOT, "%.3f s", sorted[0]), String.format(Locale.ROOT, "%d MB", ProcessMemory.peakResidentMb())};
        }
    }

    /** A diffusion training stage on random latents and context: the network's cost without data loading. */
    static DiffusionStage stage(UNetModel unet, boolean video, long[] chw, int rows, int frames, int contextTokens) {
        UNetConfig cfg = unet.config();
        int videos = rows / frames;
        return new DiffusionStage(new OpenAIWrapper(unet), new Denoiser(new EDMScaling()),
                new DiffusionLoss(new EDMSampling(), LossWeighting.edm(0.5)), ctx -> {
                    Conditioning c = Conditioning.crossattn(ctx.normal(new Shape(rows, contextTokens, cfg.context_dim())))
                            .withVideo(frames, video ? ctx.manager().zeros(new Shape(videos, frames)) : null);
                    return new DiffusionStage.Batch(ctx.normal(new Shape(rows, chw[0], chw[1], chw[2])).mul(0.5f), c, null);
                });
    }
}
