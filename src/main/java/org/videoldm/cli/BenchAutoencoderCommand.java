package org.videoldm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.train.Scale;
import org.videoldm.util.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Encode and decode time of the scale's KL autoencoder (random weights: the cost does not depend on them). */
@Command(name = "autoencoder", mixinStandardHelpOptions = true,
        description = "Time the KL autoencoder's encode (to the posterior mean) and decode of a batch of frames at the scale's frame size, "
                + "as milliseconds and as multiples of a 2048^3 matmul in the same process, with minor faults per step and peak memory.")
public final class BenchAutoencoderCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "toy", description = "toy or paper (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--batch", defaultValue = "8", description = "Frames per call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed iterations first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        Scale s = Scale.parse(scale);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            AutoencoderKL ae = new AutoencoderKL(m, s.ddconfig(), s.embedDim());
            ae.setTrainable(k -> false);
            NDArray x = m.randomUniform(-1f, 1f, new Shape(batch, 3, s.height(), s.width()));
            NDArray z = m.randomNormal(new Shape(batch, s.embedDim(), s.latentHeight(), s.latentWidth()));
            System.out.printf(Locale.ROOT, "bench autoencoder: %s scale, %d frames of 3x%dx%d <-> %dx%dx%d latents, %,d parameters%n", s.key(), batch,
                    s.height(), s.width(), s.embedDim(), s.latentHeight(), s.latentWidth(), ae.parameterCount());
            Anchor anchor = Anchor.measure(m);
            System.out.println(anchor.describe());
            ProcessMemory.resetPeak();
            anchor.print("encode", time(m, x, a -> ae.encode(a).mode()), 0);
            long peakEncode = ProcessMemory.peakResidentMb();
            ProcessMemory.resetPeak();
            anchor.print("decode", time(m, z, ae::decode), 0);
            System.out.printf(Locale.ROOT, "peak resident memory (VmHWM): encode %,d MB, decode %,d MB%n", peakEncode, ProcessMemory.peakResidentMb());
            return 0;
        }
    }

    private double[] time(NDManager m, NDArray input, Function<NDArray, NDArray> f) {
        double[] ms = new double[iterations];
        long faults = 0;
        for (int i = -warmup; i < iterations; i++) {
            long f0 = ProcessMemory.minorFaults();
            long t0 = System.nanoTime();
            try (NDManager step = m.newSubManager()) {
                input.tempAttach(step);
                f.apply(input).toFloatArray();
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
                faults += ProcessMemory.minorFaults() - f0;
            }
        }
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[0], faults / (double) iterations};
    }
}
