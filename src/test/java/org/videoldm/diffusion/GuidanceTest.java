package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GuidanceTest {
    static NDManager m;
    static final Discretization EDM = new EDMDiscretization(0.002, 80, 7);

    @BeforeAll
    static void setUp() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        m.close();
    }

    /** A denoiser whose estimate is pulled towards the vector conditioning (one value per row). */
    static DenoiseFunction pulledTowardsVector() {
        return (x, sigma, cond) -> {
            NDArray target = cond.vector().reshape(Denoiser.columnShape(x));
            NDArray s2 = sigma.square().reshape(Denoiser.columnShape(x));
            return x.add(target.mul(s2)).div(s2.add(1));
        };
    }

    @Test
    void cfgWithIdenticalBranchesEqualsNoGuidance() {
        NDArray noise = m.randomNormal(new Shape(6, 1, 2, 2));
        NDArray v = m.create(new float[] {1, 2, 3, 4, 5, 6});
        Conditioning c = Conditioning.none().withVector(v);
        NDArray plain = new EulerEDMSampler(EDM, 10, new IdentityGuider()).sample(pulledTowardsVector(), noise, c, null);
        NDArray guided = new EulerEDMSampler(EDM, 10, new VanillaCFG(7.5)).sample(pulledTowardsVector(), noise, c, c);
        assertArrayEquals(plain.toFloatArray(), guided.toFloatArray(), 0f);
        // ... and differs once the branches differ
        Conditioning uc = Conditioning.none().withVector(v.zerosLike());
        NDArray different = new EulerEDMSampler(EDM, 10, new VanillaCFG(7.5)).sample(pulledTowardsVector(), noise, c, uc);
        assertNotEquals(0f, different.sub(plain).abs().max().getFloat());
    }

    @Test
    void cfgBatchesUnconditionalFirstAndExtrapolates() {
        NDArray x = m.zeros(new Shape(2, 1, 1, 1));
        NDArray s = m.create(new float[] {1, 1});
        Conditioning c = Conditioning.none().withVector(m.create(new float[] {10, 20}));
        Conditioning uc = Conditioning.none().withVector(m.create(new float[] {1, 2}));
        VanillaCFG g = new VanillaCFG(3);
        Guider.Inputs in = g.prepareInputs(x, s, c, uc);
        assertArrayEquals(new float[] {1, 2, 10, 20}, in.cond().vector().toFloatArray());
        NDArray out = g.combine(in.cond().vector().reshape(4, 1, 1, 1), in.sigma());
        assertArrayEquals(new float[] {1 + 3 * 9, 2 + 3 * 18}, out.toFloatArray());
    }

    @Test
    void linearPredictionGuiderRisesOverFrames() {
        LinearPredictionGuider g = new LinearPredictionGuider(3.0, 5, 1.0);
        assertArrayEquals(new float[] {1f, 1.5f, 2f, 2.5f, 3f}, g.scales(), 1e-6f);
        // two videos x 5 frames: D_u = 0, D_c = 1 gives the per-frame scale
        NDArray d = Ops2.cat(m.zeros(new Shape(10, 1, 1, 1)), m.ones(new Shape(10, 1, 1, 1)));
        float[] out = g.combine(d, null).toFloatArray();
        assertArrayEquals(new float[] {1f, 1.5f, 2f, 2.5f, 3f, 1f, 1.5f, 2f, 2.5f, 3f}, out, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> g.combine(m.zeros(new Shape(8, 1, 1, 1)), null));
    }

    @Test
    void contextGuidanceDropsOnlyTheContextFrames() {
        NDArray latents = m.randomNormal(new Shape(4, 2, 2, 2));
        NDArray concat = ContextMask.concat(latents, 4, 2);
        NDArray text = m.ones(new Shape(4, 3, 8));
        Conditioning c = Conditioning.crossattn(text).withConcat(concat).withVideo(4, null);
        Guider.Inputs in = new ContextGuider(2.0).prepareInputs(m.zeros(new Shape(4, 2, 2, 2)), m.ones(new Shape(4)), c, null);
        assertEquals(8, in.x().getShape().get(0));
        assertEquals(0f, in.cond().concat().get("0:4").abs().sum().getFloat());
        assertArrayEquals(concat.toFloatArray(), in.cond().concat().get("4:8").toFloatArray());
        assertArrayEquals(Ops2.cat(text, text).toFloatArray(), in.cond().crossattn().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new ContextGuider(0.5));
        assertThrows(IllegalArgumentException.class, () -> new ContextGuider(2).prepareInputs(in.x(), in.sigma(), Conditioning.none(), null));
    }

    /**
     * A stub network whose estimate is x + g(ctx, lab) per row, ctx the row's mean concat and lab its vector sum:
     * g = 2 ctx + 5 lab + 7 ctx lab, so context, labels and their interaction each leave a known trace.
     */
    static DenoiseFunction contextAndLabelStub(int[] calls) {
        return (x, sigma, cond) -> {
            calls[0]++;
            long rows = x.getShape().get(0);
            NDArray ctx = cond.concat().reshape(rows, -1).mean(new int[] {1});
            NDArray lab = cond.vector().sum(new int[] {1});
            NDArray g = org.videoldm.nn.Ops.scale(ctx, 2).add(org.videoldm.nn.Ops.scale(lab, 5)).add(org.videoldm.nn.Ops.scale(ctx.mul(lab), 7));
            return x.add(g.reshape(Denoiser.columnShape(x)));
        };
    }

    @Test
    void contextAndLabelGuidanceCombineInOneCallAsTheirClosedForm() {
        // two rows (one window of two frames): context c_r (mean of the concat row), labels l_r (vector sum), dropped: 0 and 0
        NDArray x = m.create(new float[] {0.5f, -1f}).reshape(2, 1, 1, 1);
        NDArray concat = m.create(new float[] {0.3f, 0.3f, -0.6f, -0.6f}).reshape(2, 2, 1, 1);
        NDArray labels = m.create(new float[] {1, 0, 1, 1, 0, 0}).reshape(2, 3);
        Conditioning c = Conditioning.none().withVector(labels).withConcat(concat).withVideo(2, null);
        Conditioning uc = c.withVector(labels.zerosLike());
        double[] xs = {0.5, -1}, cs = {0.3, -0.6}, ls = {2, 1};
        double sc = 2.5, sl = 4;
        for (ContextLabelGuider.Order order : ContextLabelGuider.Order.values()) {
            ContextLabelGuider g = new ContextLabelGuider(sc, sl, order);
            int[] calls = {0};
            Guider.Inputs in = g.prepareInputs(x, m.ones(new Shape(2)), c, uc);
            float[] got = g.combine(contextAndLabelStub(calls).denoise(in.x(), in.sigma(), in.cond()), in.sigma()).toFloatArray();
            assertEquals(1, calls[0], "three branches, one network call");
            assertEquals(6, in.x().getShape().get(0));
            // branch order: neither condition, the first condition alone, both
            boolean contextFirst = order == ContextLabelGuider.Order.CONTEXT_FIRST;
            assertArrayEquals(Ops2.cat(Ops2.cat(concat.zerosLike(), contextFirst ? concat : concat.zerosLike()), concat).toFloatArray(),
                    in.cond().concat().toFloatArray());
            assertArrayEquals(Ops2.cat(Ops2.cat(labels.zerosLike(), contextFirst ? labels.zerosLike() : labels), labels).toFloatArray(),
                    in.cond().vector().toFloatArray());
            for (int r = 0; r < 2; r++) {
                double cr = cs[r], lr = ls[r];
                double want = contextFirst
                        ? xs[r] + sc * (2 * cr) + sl * (5 * lr + 7 * cr * lr) // D00 + s_c (D10 - D00) + s_l (D11 - D10)
                        : xs[r] + sl * (5 * lr) + sc * (2 * cr + 7 * cr * lr); // D00 + s_l (D01 - D00) + s_c (D11 - D01)
                assertEquals(want, got[r], 1e-5, order + " row " + r);
            }
        }
        ContextLabelGuider g = new ContextLabelGuider(2, 3, ContextLabelGuider.Order.LABELS_FIRST);
        assertThrows(IllegalArgumentException.class, () -> g.prepareInputs(x, m.ones(new Shape(2)), c, c), "uc = cond: nothing to guide against");
        assertThrows(IllegalArgumentException.class, () -> g.prepareInputs(x, m.ones(new Shape(2)), c, null));
        assertThrows(IllegalArgumentException.class, () -> g.prepareInputs(x, m.ones(new Shape(2)), c.withConcat(null), uc.withConcat(null)));
        assertThrows(IllegalArgumentException.class, () -> g.combine(m.zeros(new Shape(4, 1, 1, 1)), null));
        assertThrows(IllegalArgumentException.class, () -> new ContextLabelGuider(0.5, 3, ContextLabelGuider.Order.LABELS_FIRST));
        assertThrows(IllegalArgumentException.class, () -> new ContextLabelGuider(2, Double.NaN, ContextLabelGuider.Order.LABELS_FIRST));
    }

    /** Concatenation along the batch. */
    static final class Ops2 {
        static NDArray cat(NDArray a, NDArray b) {
            return org.videoldm.nn.Ops.cat(0, a, b);
        }
    }
}
