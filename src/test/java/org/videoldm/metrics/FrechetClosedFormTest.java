package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Frechet distance against the closed forms for shifted and scaled copies of one set. */
class FrechetClosedFormTest {
    static double[][] sample(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // Correlated columns, so the covariance is not diagonal.
                x[i][j] = r.nextGaussian() + (j > 0 ? 0.5 * x[i][j - 1] : 0);
            }
        }
        return x;
    }

    static double trace(double[][] s) {
        double t = 0;
        for (int i = 0; i < s.length; i++) {
            t += s[i][i];
        }
        return t;
    }

    @Test
    void aSetAgainstItselfIsZero() {
        double[][] x = sample(200, 16, 1);
        assertEquals(0.0, FrechetDistance.distance(FrechetDistance.Stats.of(x), FrechetDistance.Stats.of(x)), 1e-8);
    }

    @Test
    void aShiftedCopyIsTheSquaredShift() {
        double[][] x = sample(200, 16, 2);
        double[] delta = new double[16];
        double norm2 = 0;
        for (int j = 0; j < 16; j++) {
            delta[j] = 0.1 * (j + 1);
            norm2 += delta[j] * delta[j];
        }
        double prev = 0;
        for (double scale : new double[] {0.5, 1, 2}) {
            double[][] y = new double[x.length][16];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < 16; j++) {
                    y[i][j] = x[i][j] + scale * delta[j];
                }
            }
            double fd = FrechetDistance.distance(FrechetDistance.Stats.of(x), FrechetDistance.Stats.of(y));
            assertEquals(scale * scale * norm2, fd, 1e-6 * norm2);
            assertTrue(fd > prev);
            prev = fd;
        }
    }

    @Test
    void aScaledCopyIsOneMinusScaleSquaredTimesTheTrace() {
        double[][] x = sample(300, 8, 3);
        double c = 1.7;
        double[][] y = new double[x.length][8];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 8; j++) {
                y[i][j] = c * x[i][j];
            }
        }
        FrechetDistance.Stats a = FrechetDistance.Stats.of(x);
        FrechetDistance.Stats b = FrechetDistance.Stats.of(y);
        double meanTerm = 0;
        for (int j = 0; j < 8; j++) {
            meanTerm += Math.pow(a.mu()[j] - b.mu()[j], 2);
        }
        assertEquals(meanTerm + (1 - c) * (1 - c) * trace(a.sigma()), FrechetDistance.distance(a, b), 1e-8);
    }

    @Test
    void sampleSpaceTraceEqualsTheCovarianceForm() {
        // Fewer rows than features: the sample-space path; compare with the D x D eigendecomposition path.
        double[][] x = sample(12, 40, 5);
        double[][] y = sample(9, 40, 6);
        for (int i = 0; i < y.length; i++) {
            y[i][3] += 0.7;
        }
        for (boolean unbiased : new boolean[] {true, false}) {
            double viaCov = FrechetDistance.distance(FrechetDistance.Stats.of(x, unbiased), FrechetDistance.Stats.of(y, unbiased));
            double viaSamples = FrechetDistance.distance(x, y, unbiased);
            // The D x D path takes square roots of the rank-deficient product's ~1e-14 noise eigenvalues (~1e-7 each).
            assertEquals(viaCov, viaSamples, 1e-7 * Math.abs(viaCov));
        }
        assertEquals(0.0, FrechetDistance.distance(x, x, true), 1e-8);
        // More rows than features: both entry points agree too.
        double[][] big = sample(60, 5, 7);
        assertEquals(FrechetDistance.distance(FrechetDistance.Stats.of(big), FrechetDistance.Stats.of(x.length > 0 ? sample(70, 5, 8) : big)),
                FrechetDistance.distance(big, sample(70, 5, 8), true), 1e-10);
    }

    @Test
    void biasedCovarianceIsTheUnbiasedTimesNMinusOneOverN() {
        double[][] x = sample(10, 4, 4);
        double[][] u = FrechetDistance.Stats.of(x, true).sigma();
        double[][] b = FrechetDistance.Stats.of(x, false).sigma();
        assertEquals(u[1][2] * 9 / 10, b[1][2], 1e-12);
    }
}
