package org.videoldm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.io.Kwargs;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time and memory of one training step (forward, backward, AdamW, EMA) of the notebook-size network, with all
 * layers trainable and with only a subset trainable (for the video network: frozen spatial, trainable temporal
 * layers, the paper's setting).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Time and peak memory of one training step: all layers trainable vs. a trainable subset (frozen spatial layers).")
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--network", defaultValue = "image", description = "image (UNetModel) or video (VideoUNet). Default: ${DEFAULT-VALUE}.")
    String network;

    @Option(names = "--model-channels", defaultValue = "64")
    int modelChannels;

    @Option(names = "--channel-mult", defaultValue = "1,2,2", split = ",")
    int[] channelMult;

    @Option(names = "--attention-resolutions", defaultValue = "2,4", split = ",",
            description = "Downsampling factors with attention (default: the two lower resolutions).")
    int[] attentionResolutions;

    @Option(names = "--context-dim", defaultValue = "64", description = "Text-embedding width (tiny CLIP); 0 for no cross-attention.")
    int contextDim;

    @Option(names = "--context-tokens", defaultValue = "77")
    int contextTokens;

    @Option(names = "--frames", defaultValue = "8", description = "Frames per video.")
    int frames;

    @Option(names = "--latent", defaultValue = "4x16x32", description = "Latent frame C x H x W.")
    String latent;

    @Option(names = "--batch", defaultValue = "1", description = "Videos per step.")
    int batch;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps per setting.")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first.")
    int warmup;

    @Option(names = "--trainable", description = "Regex of the parameters trained in the subset setting "
            + "(default: time_stack|time_mixer|time_pos_embed for video, output_blocks for image).")
    String trainable;

    @Override
    public Integer call() {
        if (network.equals("video")) {
            throw new IllegalArgumentException("the video network (VideoUNet with temporal layers) is not available in this build yet; "
                    + "use --network image, which times the same spatial UNet skeleton");
        }
        if (!network.equals("image")) {
            throw new IllegalArgumentException("--network must be image or video, got " + network);
        }
        long[] chw = Arrays.stream(latent.split("x")).mapToLong(Long::parseLong).toArray();
        if (chw.length != 3) {
            throw new IllegalArgumentException("--latent must be C x H x W, e.g. 4x16x32, got " + latent);
        }
        String subset = trainable != null ? trainable : "output_blocks";
        UNetConfig cfg = UNetConfig.fromJson(config((int) chw[0]));
        int rows = batch * frames;
        System.out.printf(Locale.ROOT, "network: UNetModel (image; frames are a batch of images), model_channels %d, channel_mult %s, "
                + "attention at %s, context %s%n", modelChannels, Arrays.toString(channelMult), Arrays.toString(attentionResolutions),
                contextDim > 0 ? contextTokens + "x" + contextDim : "none");
        System.out.printf(Locale.ROOT, "input: %d video(s) x %d frames of %s latents = [%d, %d, %d, %d]; threads %s%n",
                batch, frames, latent, rows, chw[0], chw[1], chw[2], System.getProperty("ai.djl.pytorch.num_threads", "default"));
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"setting", "trainable params", "step median", "step min", "peak RSS"});
        table.add(run(cfg, chw, rows, "subset (" + subset + ")", Pattern.compile(subset)));
        table.add(run(cfg, chw, rows, "all layers", null));
        for (String[] r : table) {
            System.out.printf(Locale.ROOT, "%-40s %18s %12s %12s %10s%n", (Object[]) r);
        }
        return 0;
    }

    private JsonObject config(int channels) {
        JsonObject o = new JsonObject();
        o.addProperty("in_channels", channels);
        o.addProperty("out_channels", channels);
        o.addProperty("model_channels", modelChannels);
        o.addProperty("num_res_blocks", 2);
        o.add("channel_mult", Kwargs.array(channelMult));
        o.add("attention_resolutions", Kwargs.array(attentionResolutions));
        o.addProperty("num_head_channels", 32);
        if (contextDim > 0) {
            o.addProperty("context_dim", contextDim);
        }
        return o;
    }

    private String[] run(UNetConfig cfg, long[] chw, int rows, String name, Pattern trainablePattern) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            UNetModel unet = new UNetModel(m, cfg);
            unet.setTrainable(k -> trainablePattern == null || trainablePattern.matcher(k).find());
            long trainableCount = unet.trainableParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            if (trainableCount == 0) {
                throw new IllegalArgumentException("--trainable " + trainablePattern + " matches no parameter");
            }
            DiffusionStage stage = new DiffusionStage(new OpenAIWrapper(unet), new Denoiser(new EDMScaling()),
                    new DiffusionLoss(new EDMSampling(), LossWeighting.edm(0.5)), ctx -> {
                        Conditioning c = contextDim > 0
                                ? Conditioning.crossattn(ctx.normal(new Shape(rows, contextTokens, contextDim))) : Conditioning.none();
                        return new DiffusionStage.Batch(ctx.normal(new Shape(rows, chw[0], chw[1], chw[2])).mul(0.5f), c.withVideo(frames, null), null);
                    });
            resetPeakRss();
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
            double median = sorted[sorted.length / 2];
            return new String[] {name, String.format(Locale.ROOT, "%.2f M / %.2f M", trainableCount / 1e6, unet.parameterCount() / 1e6),
                    String.format(Locale.ROOT, "%.3f s", median), String.format(Locale.ROOT, "%.3f s", sorted[0]), peakRss()};
        }
    }

    /** Linux: resets the process's peak resident set (VmHWM) so each setting is measured on its own. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux or not permitted: the peak then covers the whole process
        }
    }

    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "n/a";
    }
}
