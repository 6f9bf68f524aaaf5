package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.nn.Ops;

/** Labels to the vector conditioning: one-hot per group, independent dropout per group, zeros as the unconditional input. */
class LabelConditionerTest {
    private static final int[] GROUPS = {3, 3};

    @Test
    void labelsBecomeConcatenatedOneHotVectorsAndUnknownLabelsZero() {
        LabelConditioner c = new LabelConditioner(GROUPS, 0);
        assertEquals(6, c.vectorSize());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, c.oneHot(new int[] {2, 0}, null), 0f);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0}, c.oneHot(new int[] {-1, 1}, null), 0f);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0}, c.oneHot(new int[] {0, 2}, new boolean[] {false, true}), 0f);
        assertThrows(IllegalArgumentException.class, () -> c.oneHot(new int[] {3, 0}, null));
        assertThrows(IllegalArgumentException.class, () -> c.oneHot(new int[] {0}, null));
        try (NDManager m = NDManager.newBaseManager()) {
            // without dropout the training vector is the one-hot, each clip's row repeated per frame (frames inner)
            Conditioning cond = c.forward(m, List.of(new int[] {0, 1}, new int[] {2, 2}), 7, 3);
            assertEquals(3, cond.numVideoFrames());
            float[] v = cond.vector().toFloatArray();
            assertEquals(6 * 6, v.length);
            for (int r = 0; r < 6; r++) {
                float[] want = r < 3 ? new float[] {1, 0, 0, 0, 1, 0} : new float[] {0, 0, 1, 0, 0, 1};
                assertArrayEquals(want, java.util.Arrays.copyOfRange(v, r * 6, r * 6 + 6), 0f, "row " + r);
            }
            Conditioning[] both = c.unconditionalConditioning(m, List.of(new int[] {1, 1}), 2);
            assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0}, both[0].vector().toFloatArray(), 0f);
            assertEquals(0f, both[1].vector().abs().sum().getFloat(), "the unconditional vector is zero");
            assertEquals(both[0].vector().getShape(), both[1].vector().getShape());
        }
    }

    @Test
    void eachGroupIsDroppedIndependentlyAtTheUcgRateAndDroppedGroupsAreZero() {
        double p = 0.2;
        int n = 20_000;
        LabelConditioner c = new LabelConditioner(GROUPS, p);
        boolean[][] drop = c.dropped(n, 99);
        int[] count = new int[2];
        int both = 0;
        for (boolean[] d : drop) {
            count[0] += d[0] ? 1 : 0;
            count[1] += d[1] ? 1 : 0;
            both += d[0] && d[1] ? 1 : 0;
        }
        for (int k : count) {
            assertEquals(p, k / (double) n, 4 * Math.sqrt(p * (1 - p) / n), "drop rate per group");
        }
        assertEquals(p * p, both / (double) n, 4 * Math.sqrt(p * p * (1 - p * p) / n), "groups dropped independently: P(both) = p^2");
        assertArrayEquals(drop[17], c.dropped(n, 99)[17], "a pure function of the seed");
        try (NDManager m = NDManager.newBaseManager()) {
            List<int[]> rows = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                rows.add(new int[] {i % 3, (i / 3) % 3});
            }
            float[] v = c.forward(m, rows, 5, 1).vector().toFloatArray();
            boolean[][] d = c.dropped(rows.size(), 5);
            for (int i = 0; i < rows.size(); i++) {
                float[] want = c.oneHot(rows.get(i), d[i]);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(v, i * 6, i * 6 + 6), 0f, "row " + i);
                float[] kept = c.oneHot(rows.get(i), null);
                for (int g = 0; g < 2; g++) {
                    float sum = 0;
                    for (int k = 0; k < 3; k++) {
                        sum += want[g * 3 + k];
                    }
                    assertEquals(d[i][g] ? 0f : 1f, sum, "group " + g + " of row " + i + " is one-hot unless dropped");
                }
                assertTrue(kept[rows.get(i)[0]] == 1f);
            }
        }
    }

    @Test
    void vanillaCfgOnVectorConditioningIsUncondPlusScaleTimesDifference() {
        try (NDManager m = NDManager.newBaseManager()) {
            // a denoiser whose estimate depends on the vector: D = x / 2 + sum(y) per row
            DenoiseFunction f = (x, sigma, cond) -> Ops.scale(x, 0.5f).add(cond.vector().sum(new int[] {1}).reshape(x.getShape().get(0), 1, 1, 1));
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 1, 2, 2));
            NDArray sigma = m.create(new float[] {3f, 3f});
            LabelConditioner lc = new LabelConditioner(GROUPS, 0);
            Conditioning[] cu = lc.unconditionalConditioning(m, List.of(new int[] {2, 1}, new int[] {0, -1}), 1);
            VanillaCFG cfg = new VanillaCFG(4.0);
            Guider.Inputs in = cfg.prepareInputs(x, sigma, cu[0], cu[1]);
            NDArray guided = cfg.combine(f.denoise(in.x(), in.sigma(), in.cond()), sigma);
            NDArray dc = f.denoise(x, sigma, cu[0]);
            NDArray du = f.denoise(x, sigma, cu[1]);
            // closed form: D_u = x/2, D_c = x/2 + (2, 1) per row, so guided = x/2 + 4 * (2, 1)
            float[] want = x.mul(0.5f).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                want[i] += i < 4 ? 8f : 4f;
            }
            assertArrayEquals(want, guided.toFloatArray(), 1e-5f);
            assertArrayEquals(du.add(dc.sub(du).mul(4f)).toFloatArray(), guided.toFloatArray(), 1e-5f);
        }
    }
}
