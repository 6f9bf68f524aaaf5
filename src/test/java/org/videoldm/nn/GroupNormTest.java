package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GroupNorm against its closed form (values and parameter gradients), and what one forward call creates. */
class GroupNormTest {
    NDManager m;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(3);
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    /** A float64 GroupNorm with random weight and bias, both taking gradients. */
    GroupNorm randomAffine(int groups, int channels, float eps) {
        GroupNorm gn = GradientCheckTest.float64(new GroupNorm(m, groups, channels, eps));
        NDArray w = gn.stateDict().get("weight");
        NDArray b = gn.stateDict().get("bias");
        w.intern(m.randomNormal(new Shape(channels)).toType(DataType.FLOAT64, false));
        b.intern(m.randomNormal(new Shape(channels)).toType(DataType.FLOAT64, false));
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        return gn;
    }

    /** (x - mean) / sqrt(var + eps) * w + b per (sample, group), biased variance, in Java doubles; x laid out [n, c, rest]. */
    static double[] closedForm(double[] x, int n, int c, int groups, double eps, double[] w, double[] b) {
        int rest = x.length / (n * c);
        int per = c / groups * rest;
        double[] y = new double[x.length];
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups; g++) {
                int off = (s * groups + g) * per;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[off + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (x[off + i] - mean) * (x[off + i] - mean);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int ch = (off + i) / rest % c;
                    y[off + i] = (x[off + i] - mean) / Math.sqrt(var + eps) * w[ch] + b[ch];
                }
            }
        }
        return y;
    }

    @Test
    void valuesAndParameterGradientsMatchTheClosedFormIn4dAnd5d() {
        for (long[] shape : new long[][] {{2, 8, 3, 5}, {2, 8, 3, 2, 2}}) {
            GroupNorm gn = randomAffine(4, 8, 1e-5f);
            NDArray w = gn.stateDict().get("weight");
            NDArray b = gn.stateDict().get("bias");
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
                NDArray r = step.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
                NDArray y;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    y = gn.forward(x);
                    gc.backward(y.mul(r).sum());
                }
                double[] xs = x.toDoubleArray();
                // through a copy: the parameters' Java objects still report the float32 they were made with
                double[] expected = closedForm(xs, (int) shape[0], 8, 4, 1e-5, w.toType(DataType.FLOAT64, true).toDoubleArray(),
                        b.toType(DataType.FLOAT64, true).toDoubleArray());
                double[] got = y.toDoubleArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 1e-12, "value " + i + " of " + new Shape(shape));
                }
                // d/dw_c sum(y r) = sum over samples and positions of r * normalised x; d/db_c = sum of r
                double[] unit = closedForm(xs, (int) shape[0], 8, 4, 1e-5, new double[] {1, 1, 1, 1, 1, 1, 1, 1}, new double[8]);
                double[] rs = r.toDoubleArray();
                int rest = xs.length / (int) (shape[0] * 8);
                double[] gw = new double[8];
                double[] gb = new double[8];
                for (int i = 0; i < xs.length; i++) {
                    gw[i / rest % 8] += rs[i] * unit[i];
                    gb[i / rest % 8] += rs[i];
                }
                double[] gotW = w.getGradient().toDoubleArray();
                double[] gotB = b.getGradient().toDoubleArray();
                for (int ch = 0; ch < 8; ch++) {
                    assertEquals(gw[ch], gotW[ch], 1e-10, "weight gradient " + ch);
                    assertEquals(gb[ch], gotB[ch], 1e-10, "bias gradient " + ch);
                }
            }
        }
    }

    @Test
    void aForwardCreatesNoConstantsPerCallAndLeavesTheParametersManagerAlone() {
        GroupNorm gn = new GroupNorm(m, 4, 8, 1e-6f);
        int params = m.getManagedArrays().size();
        try (NDManager warm = m.newSubManager()) {
            gn.forward(warm.randomNormal(new Shape(2, 8, 4, 4)));
        }
        int constants = Constants.size();
        for (int call = 0; call < 3; call++) {
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.randomNormal(new Shape(2, 8, 4, 4));
                int before = step.getManagedArrays().size();
                gn.forward(x);
                // the grouped view, the normalised groups, their view as [N, C, ...], the scaled and shifted result
                assertEquals(4, step.getManagedArrays().size() - before, "arrays one forward leaves in the step's manager");
            }
        }
        assertEquals(constants, Constants.size(), "constants made after the first call");
        assertEquals(params, m.getManagedArrays().size(), "arrays in the parameters' manager");
    }
}
