package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {
    @Test
    void theIntervalOfAMeanMatchesTheNormalTheory() {
        // 400 draws of N(1, 2^2): the mean's 95% interval is mean +- 1.96 * 2 / sqrt(400) = +- 0.196.
        Random r = new Random(11);
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + 2 * r.nextGaussian();
        }
        double mean = Arrays.stream(x).average().orElseThrow();
        Ablations.Estimate e = Bootstrap.of(x, s -> Arrays.stream(s).average().orElseThrow(), 2000, 5);
        assertEquals(mean, e.value(), 1e-12);
        assertEquals(2 * 0.196, e.high() - e.low(), 0.1 * 2 * 0.196, "width");
        assertEquals(mean, (e.low() + e.high()) / 2, 0.03, "centre");
    }

    @Test
    void aConstantSampleHasNoSpreadAndResamplesComeFromTheSample() {
        Ablations.Estimate e = Bootstrap.of(new double[] {3, 3, 3}, s -> s[0] + s[1], 50, 1);
        assertEquals(6, e.low(), 0);
        assertEquals(6, e.high(), 0);
        double[] drawn = Bootstrap.resample(new double[] {1, 2}, new java.util.SplittableRandom(0));
        assertTrue(Arrays.stream(drawn).allMatch(v -> v == 1 || v == 2));
        assertEquals(new Ablations.Estimate(5, 1, 10), Bootstrap.interval(5, new double[] {9, 1, 3, 7, 5, 2, 8, 4, 6, 10}));
    }
}
