package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.EpsScaling;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.nn.Module;

class OptimizationPartsTest {
    @Test
    void adamwFollowsTorchsFormula() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8)) {
            NDArray p = m.create(new float[] {1f, -2f, 0.5f});
            double[] want = {1, -2, 0.5};
            double[] mm = new double[3];
            double[] vv = new double[3];
            double lr = 0.01;
            double wd = 0.1;
            float[][] grads = {{0.3f, -1f, 0f}, {0.1f, 2f, -0.5f}, {-0.2f, 0.4f, 1f}};
            for (int t = 1; t <= 3; t++) {
                opt.beginStep();
                try (NDManager s = m.newSubManager()) {
                    opt.update("p", p, s.create(grads[t - 1]), lr, wd, s);
                }
                for (int i = 0; i < 3; i++) {
                    double g = grads[t - 1][i];
                    want[i] *= 1 - lr * wd;
                    mm[i] = 0.9 * mm[i] + 0.1 * g;
                    vv[i] = 0.999 * vv[i] + 0.001 * g * g;
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                    want[i] -= lr / (1 - Math.pow(0.9, t)) * mm[i] / denom;
                }
            }
            float[] got = p.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i], got[i], 1e-6, "parameter " + i);
            }
            assertEquals(3, opt.stepCount());
        }
    }

    static DiffusionNetwork constant(java.util.function.Function<NDArray, NDArray> f) {
        return new DiffusionNetwork() {
            @Override
            public NDArray apply(NDArray x, NDArray cNoise, Conditioning cond) {
                return f.apply(x);
            }

            @Override
            public Module module() {
                return null;
            }
        };
    }

    @Test
    void epsLossIsTheNoisePredictionError() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.randomNormal(new Shape(3, 2, 4, 4));
            NDArray noise = m.randomNormal(new Shape(3, 2, 4, 4));
            NDArray sigmas = m.create(new float[] {0.1f, 1f, 10f});
            DiffusionLoss loss = new DiffusionLoss((n, r) -> null, LossWeighting.eps());
            Denoiser den = new Denoiser(new EpsScaling());
            // predicting the noise exactly: zero loss
            NDArray exact = loss.loss(constant(x -> noise), den, x0, Conditioning.none(), sigmas, noise);
            assertEquals(0f, exact.max().getFloat(), 1e-5f);
            // predicting zero: the loss is the mean squared noise of each sample
            NDArray zero = loss.loss(constant(NDArray::zerosLike), den, x0, Conditioning.none(), sigmas, noise);
            float[] want = noise.square().reshape(3, -1).mean(new int[] {1}).toFloatArray();
            assertArrayEquals(want, zero.toFloatArray(), 1e-4f);
        }
    }

    @Test
    void weightingsAndSigmaSampling() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new float[] {0.5f, 2f});
            assertArrayEquals(new float[] {4f, 0.25f}, LossWeighting.eps().weight(s).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {(0.25f + 0.25f) / (0.25f * 0.25f), (4f + 0.25f) / (4f * 0.25f)}, LossWeighting.edm(0.5).weight(s).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {1.25f / 0.25f, 5f / 4f}, LossWeighting.v().weight(s).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {1f, 1f}, LossWeighting.unit().weight(s).toFloatArray());

            // videos share one sigma across their frames
            StepContext ctx = new StepContext(1, 0, 0, m);
            float[] perRow = new DiffusionLoss(new EDMSampling(), LossWeighting.unit()).sampleSigmas(ctx, 6, 3).toFloatArray();
            assertEquals(perRow[0], perRow[2]);
            assertEquals(perRow[3], perRow[5]);
            assertNotEquals(perRow[0], perRow[3]);

            // EDM log-normal: ln sigma has mean p_mean and std p_std
            float[] many = new EDMSampling(-1.2, 1.2).sample(20000, new SplittableRandom(3));
            double mean = Arrays.stream(toDouble(many)).map(Math::log).average().orElseThrow();
            double var = Arrays.stream(toDouble(many)).map(v -> (Math.log(v) - mean) * (Math.log(v) - mean)).average().orElseThrow();
            assertEquals(-1.2, mean, 0.05);
            assertEquals(1.2, Math.sqrt(var), 0.05);

            DiscreteSampling ds = DiscreteSampling.legacyDDPM();
            for (float v : ds.sample(100, new SplittableRandom(4))) {
                boolean onGrid = false;
                for (int t = 0; t < 1000 && !onGrid; t++) {
                    onGrid = ds.idxToSigma(t) == v;
                }
                assertEquals(true, onGrid, v + " is not a DDPM sigma");
            }
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void dataOrderVisitsEveryItemOncePerEpochAndRepeatsWithTheSeed() {
        DataOrder a = new DataOrder(10, 5);
        DataOrder b = new DataOrder(10, 5);
        int[] seen = new int[10];
        for (long step = 0; step < 5; step++) {
            int[] batch = a.batch(step, 0, 1, 2);
            assertArrayEquals(batch, b.batch(step, 0, 1, 2));
            for (int i : batch) {
                seen[i]++;
            }
        }
        for (int c : seen) {
            assertEquals(1, c);
        }
        assertNotEquals(Arrays.toString(a.batch(0, 0, 1, 10)), Arrays.toString(a.batch(1, 0, 1, 10)), "epochs should be shuffled differently");
        assertNotEquals(Arrays.toString(a.batch(0, 0, 1, 10)), Arrays.toString(new DataOrder(10, 6).batch(0, 0, 1, 10)));
    }

    @Test
    void warmupRisesLinearly() {
        LRSchedule s = LRSchedule.linearWarmup(4);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1, 1}, new double[] {s.factor(0), s.factor(1), s.factor(2), s.factor(3), s.factor(10)});
        LRSchedule c = LRSchedule.warmupCosine(2, 12, 0.1);
        assertEquals(1.0, c.factor(2), 1e-12);
        assertEquals(0.1, c.factor(12), 1e-12);
    }
}
