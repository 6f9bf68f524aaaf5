package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;

/**
 * The benches' yardstick: a 2048 x 2048 x 2048 fp32 matmul timed in the same process. Machines and their load differ
 * (Xeon or EPYC, shared cores), so a time means something only as a multiple of this anchor measured in the same run.
 */
record Anchor(double ms) {
    static final int N = 2048;

    /** Best of 7 after 2 warm-ups: the machine's capability, less disturbed by other work than a median. */
    static Anchor measure(NDManager m) {
        try (NDManager s = m.newSubManager()) {
            NDArray a = s.randomNormal(new Shape(N, N));
            NDArray b = s.randomNormal(new Shape(N, N));
            double[] ms = new double[7];
            for (int i = -2; i < ms.length; i++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            return new Anchor(ms[0]);
        }
    }

    double gflops() {
        return 2.0 * N * N * N / (ms / 1e3) / 1e9;
    }

    String describe() {
        return String.format(Locale.ROOT, "anchor: fp32 matmul %dx%dx%d %.1f ms = %.1f GFLOP/s (best of 7; %s threads)", N, N, N, ms, gflops(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
    }

    /**
     * One row: {@code timing} = {median ms, min ms, faults per step}; {@code flops} of one step, or 0 if not counted.
     */
    void print(String what, double[] timing, double flops) {
        String rate = "";
        if (flops > 0) {
            double g = flops / (timing[0] / 1e3) / 1e9;
            rate = String.format(Locale.ROOT, " -> %6.1f GFLOP/s (%.0f%% of matmul rate)", g, 100 * g / gflops());
        }
        System.out.printf(Locale.ROOT, "%-17s median %9.1f ms (min %.1f) = %6.2f x anchor%s, %,.0f minor faults/step%n", what + ":", timing[0],
                timing[1], timing[0] / ms, rate, timing[2]);
    }
}
