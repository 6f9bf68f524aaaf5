package org.videoldm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.nn.FlopCounter;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.util.OpCount;
import org.videoldm.util.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code videoldm bench unet [--video]}: median forward and forward+backward time of a (video) UNet, the
 * GFLOP/s that makes (FLOPs from the layer shapes; backward counted as twice the forward) next to this
 * machine's fp32 matmul rate, and peak resident memory.
 */
@Command(name = "unet", mixinStandardHelpOptions = true,
        description = "Time forward and forward+backward of the UNet (default: model_channels 64, channel_mult [1,2,2], attention at the two "
                + "lower resolutions, 32 channels per head, context_dim 64, batch 8 of 4x16x32 latents). --video: the VideoUNet with 8 frames = 1 video, "
                + "a 64-wide vector input and merge_factor 0.5. Times are also given as multiples of a 2048^3 matmul in the same process. "
                + "With VIDEOLDM_OPCOUNT naming the built scripts/opcount helper, also libtorch operators per step (VIDEOLDM_OPCOUNT_NAMES=1: "
                + "per-operator counts in opcount-*.txt).")
public final class UNetBench implements Callable<Integer> {
    @Option(names = "--video", description = "Benchmark the VideoUNet (SVD-style temporal layers); the batch is videos of --frames frames.")
    boolean video;

    @Option(names = "--config", paramLabel = "FILE", description = "UNet (or VideoUNet with --video) kwargs as JSON; a fixture config.json (with 'kwargs') works too.")
    Path config;

    @Option(names = "--batch", defaultValue = "8", description = "Rows per step: images, or frames for --video (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--frames", defaultValue = "8", description = "Frames per video with --video (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--height", defaultValue = "16", description = "Latent height (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--width", defaultValue = "32", description = "Latent width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--context-tokens", defaultValue = "8", description = "Cross-attention context tokens per row (default ${DEFAULT-VALUE}).")
    int contextTokens;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed iterations per measurement (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--trainable", defaultValue = "auto", description = "Parameters taking gradients: all, temporal, or auto (all for images, "
            + "temporal for --video, as in temporal alignment).")
    String trainable;

    /** The reference's benchmark network: its UNetModel defaults (conv proj_in/proj_out) at notebook size. */
    static final String DEFAULT_UNET = """
            {"in_channels": 4, "model_channels": 64, "out_channels": 4, "num_res_blocks": 2, "attention_resolutions": [2, 4],
             "channel_mult": [1, 2, 2], "num_head_channels": 32, "context_dim": 64}""";

    /** The video counterpart: the same UNet with a vector input (num_classes "sequential", as SVD) and VideoUNet's merge_factor default. */
    static final String DEFAULT_VIDEO_EXTRA = """
            {"num_classes": "sequential", "adm_in_channels": 64}""";
    static final double DEFAULT_MERGE_FACTOR = 0.5;

    @Override
    public Integer call() throws IOException {
        if (video && batch % frames != 0) {
            throw new IllegalArgumentException("--batch " + batch + " does not hold whole videos of --frames " + frames);
        }
        JsonObject kwargs = JsonParser.parseString(config == null ? DEFAULT_UNET : Files.readString(config)).getAsJsonObject();
        if (kwargs.has("kwargs")) {
            kwargs = kwargs.getAsJsonObject("kwargs");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            UNetModel net;
            if (video) {
                VideoUNetConfig vc;
                if (config == null) {
                    for (var e : JsonParser.parseString(DEFAULT_VIDEO_EXTRA).getAsJsonObject().entrySet()) {
                        kwargs.add(e.getKey(), e.getValue());
                    }
                    VideoUNetConfig svd = VideoUNetConfig.svd(UNetConfig.fromJson(kwargs));
                    vc = svd.withMerge(svd.merge_strategy(), DEFAULT_MERGE_FACTOR);
                } else {
                    vc = VideoUNetConfig.fromJson(kwargs);
                }
                net = new VideoUNet(manager, vc);
            } else {
                net = new UNetModel(manager, UNetConfig.fromJson(kwargs));
            }
            UNetConfig c = net.config();
            boolean temporalOnly = trainable.equals("temporal") || (trainable.equals("auto") && video);
            if (!trainable.equals("all") && !trainable.equals("temporal") && !trainable.equals("auto")) {
                throw new IllegalArgumentException("--trainable must be all, temporal or auto, got '" + trainable + "'");
            }
            TemporalParameters.Report report = temporalOnly ? TemporalParameters.freezeSpatial(net) : null;
            if (!temporalOnly) {
                net.setTrainable(k -> true);
            }
            System.out.printf(Locale.ROOT, "bench unet: %s, %s of %dx%dx%d latents, model_channels %d, channel_mult %s, attention_resolutions %s, "
                    + "num_res_blocks %s%n", video ? "VideoUNet" : "UNetModel",
                    video ? batch + " frames (" + batch / frames + " video(s) of " + frames + ")" : "batch " + batch,
                    c.in_channels(), height, width, c.model_channels(), Arrays.toString(c.channel_mult()),
                    Arrays.toString(c.attention_resolutions()), Arrays.toString(c.num_res_blocks()));
            System.out.printf(Locale.ROOT, "parameters: %,d (trainable %,d%s)%n", net.parameterCount(), trainableCount(net),
                    report == null ? "" : ", temporal only");

            Inputs in = inputs(manager, c);
            long[] flops = countFlops(manager, net, in);
            double fwdFlops = flops[0] + flops[1] + flops[2];
            System.out.printf(Locale.ROOT, "forward FLOPs: %.2f GFLOP (conv %.2f, linear %.2f, attention %.2f); forward+backward counted as 3x%n",
                    fwdFlops / 1e9, flops[0] / 1e9, flops[1] / 1e9, flops[2] / 1e9);
            Anchor anchor = Anchor.measure(manager);
            System.out.println(anchor.describe());

            ProcessMemory.resetPeak();
            double[] fwd = time(manager, net, in, false);
            long peakFwd = ProcessMemory.peakResidentMb();
            ProcessMemory.resetPeak();
            double[] both = time(manager, net, in, true);
            long peakBoth = ProcessMemory.peakResidentMb();
            anchor.print("forward", fwd, fwdFlops);
            anchor.print("forward+backward", both, 3 * fwdFlops);
            System.out.printf(Locale.ROOT, "peak resident memory (VmHWM): forward %,d MB, forward+backward %,d MB%n", peakFwd, peakBoth);
            if (OpCount.available()) {
                printOps("forward", countOps(manager, net, in, false, "forward"));
                printOps("forward+backward", countOps(manager, net, in, true, "forward-backward"));
            }
            return 0;
        }
    }

    private record Inputs(NDArray x, NDArray t, NDArray context, NDArray y, NDArray indicator) {}

    private Inputs inputs(NDManager m, UNetConfig c) {
        NDArray x = m.randomNormal(new Shape(batch, c.in_channels(), height, width));
        NDArray t = m.randomUniform(0f, 999f, new Shape(batch));
        NDArray ctx = c.context_dim() == null ? null : m.randomNormal(new Shape(batch, contextTokens, c.context_dim()));
        NDArray y = null;
        if ("sequential".equals(c.num_classes())) {
            y = m.randomNormal(new Shape(batch, c.adm_in_channels()));
        } else if (c.num_classes() != null) {
            y = m.randomInteger(0, Integer.parseInt(c.num_classes()), new Shape(batch), DataType.INT64);
        }
        NDArray ind = video ? m.zeros(new Shape(batch / frames, frames)) : null;
        return new Inputs(x, t, ctx, y, ind);
    }

    private NDArray forward(UNetModel net, Inputs in) {
        return video ? net.forward(in.x(), in.t(), in.context(), in.y(), frames, in.indicator(), null) : net.forward(in.x(), in.t(), in.context(), in.y());
    }

    private long[] countFlops(NDManager m, UNetModel net, Inputs in) {
        try (NDManager step = m.newSubManager(); FlopCounter fc = FlopCounter.start()) {
            attachAll(step, in);
            forward(net, in);
            return new long[] {fc.conv(), fc.linear(), fc.attention()};
        }
    }

    /** Median and min milliseconds per step and minor page faults per step; each step's arrays live in a sub-manager closed after it. */
    private double[] time(NDManager m, UNetModel net, Inputs in, boolean backward) {
        double[] ms = new double[iterations];
        long faults = 0;
        for (int i = -warmup; i < iterations; i++) {
            long f0 = ProcessMemory.minorFaults();
            long t0 = System.nanoTime();
            try (NDManager step = m.newSubManager()) {
                attachAll(step, in);
                if (backward) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(forward(net, in).square().mean());
                    }
                } else {
                    forward(net, in).toFloatArray();
                }
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
                faults += ProcessMemory.minorFaults() - f0;
            }
        }
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[0], faults / (double) iterations};
    }

    /** libtorch operators of one step (see {@link OpCount}); per-operator counts go to opcount-*.txt when asked for. */
    private OpCount.Counts countOps(NDManager m, UNetModel net, Inputs in, boolean backward, String name) {
        try (NDManager step = m.newSubManager()) {
            attachAll(step, in);
            return OpCount.of(() -> {
                if (backward) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(forward(net, in).square().mean());
                    }
                } else {
                    forward(net, in);
                }
            }, Path.of("opcount-" + (video ? "video-" : "image-") + name + ".txt"));
        }
    }

    private static void printOps(String what, OpCount.Counts c) {
        System.out.printf(Locale.ROOT, "libtorch operators per %s step: %,d called from Java/autograd (%,d incl. nested), %,d autograd nodes%n",
                what, c.top(), c.all(), c.nodes());
    }

    /** Lends the inputs to the step's manager, so everything computed from them is freed with it; they return when it closes. */
    private static void attachAll(NDManager step, Inputs in) {
        for (NDArray a : new NDArray[] {in.x(), in.t(), in.context(), in.y(), in.indicator()}) {
            if (a != null) {
                a.tempAttach(step);
            }
        }
    }

    private static long trainableCount(UNetModel net) {
        return net.trainableParameters().values().stream().mapToLong(NDArray::size).sum();
    }

}
