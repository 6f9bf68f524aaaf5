package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.videoldm.metrics.I3DDetector;
import org.videoldm.metrics.InceptionDetector;
import org.videoldm.model.clip.CLIPImageProcessor;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.model.clip.CLIPVisionModelWithProjection;
import org.videoldm.model.detector.DetectorWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-metrics", mixinStandardHelpOptions = true,
        description = "Time the metric detectors at their recipe sizes (random weights; the cost does not depend on them): "
                + "I3D per 16x224x224 clip, Inception-v3 per 299x299 frame, CLIP ViT-B/32 and ViT-L/14 image towers per frame.")
public final class BenchMetricsCommand implements Callable<Integer> {
    @Option(names = "--batch", description = "Clips or frames per forward (default ${DEFAULT-VALUE}).")
    int batch = 2;

    @Option(names = "--repeats", description = "Timed repeats after one warm-up (default ${DEFAULT-VALUE}).")
    int repeats = 2;

    @Option(names = "--frames", description = "Frames per I3D clip (default ${DEFAULT-VALUE}).")
    int frames = 16;

    @Override
    public Integer call() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray clips = m.randomUniform(0, 255, new Shape(batch, frames, 240, 320, 3)).toType(DataType.UINT8, false);
            NDArray images = m.randomUniform(0, 255, new Shape(batch, 240, 320, 3)).toType(DataType.UINT8, false);
            try (I3DDetector i3d = I3DDetector.random(0, I3DDetector.RECIPE_RESOLUTION)) {
                report("I3D (16x224x224 clip)", "clip", time(m, () -> i3d.features(clips)));
            }
            try (InceptionDetector inc = InceptionDetector.random(0, InceptionDetector.RECIPE_RESOLUTION)) {
                report("Inception-v3 FID (299x299 frame)", "frame", time(m, () -> inc.features(images)));
            }
            for (CLIPVisionConfig c : new CLIPVisionConfig[] {
                new CLIPVisionConfig(768, 3072, 512, 12, 12, 3, 224, 32, "quick_gelu", 1e-5), CLIPVisionConfig.vitL14()}) {
                try (NDManager cm = m.newSubManager()) {
                    CLIPVisionModelWithProjection v = new CLIPVisionModelWithProjection(cm, c);
                    DetectorWeights.randomize(v, 0);
                    CLIPImageProcessor p = new CLIPImageProcessor(224);
                    byte[][] raw = new byte[batch][240 * 320 * 3];
                    String label = "CLIP image tower patch " + c.patch_size() + " width " + c.hidden_size() + " (incl. preprocessing)";
                    report(label, "frame", time(cm, () -> v.imageEmbeds(p.pixelValues(cm, raw, 240, 320))));
                }
            }
        }
        return 0;
    }

    /** Seconds per item: {wall, process CPU}. On a shared machine the CPU time divided by the threads is the better estimate. */
    private double[] time(NDManager m, Supplier<NDArray> run) {
        try (NDManager s = m.newSubManager()) {
            run.get().attach(s);
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            try (NDManager s = m.newSubManager()) {
                NDArray out = run.get();
                out.attach(s);
                out.toFloatArray();
            }
        }
        double n = (double) repeats * batch;
        return new double[] {(System.nanoTime() - t0) / 1e9 / n, (os.getProcessCpuTime() - c0) / 1e9 / n};
    }

    private static void report(String what, String unit, double[] seconds) {
        System.out.printf(java.util.Locale.ROOT, "%-60s %8.3f s per %s (process CPU %.3f s)%n", what, seconds[0], unit, seconds[1]);
    }
}
