package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.videoldm.model.VideoDiscriminatorLoss;
import org.videoldm.model.autoencoder.DiagonalGaussian;
import org.videoldm.temporal.AlphaBlender;

/**
 * The gradients of the library's composite operations, as autograd computes them through our compositions, against
 * central finite differences in float64, on inputs that include the edge cases: a group with zero variance, identical
 * and saturated attention scores, saturated blend factors, clipped log-variances, the kinks of abs and the hinge.
 */
class GradientCheckTest {
    NDManager m;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    /**
     * Largest relative error (absolute below 1e-4) between autograd's gradient of {@code sum(f(x) * r)} (r fixed, random) and central
     * differences at {@code coords} coordinates of x (all if fewer), in float64.
     */
    double check(Function<NDArray, NDArray> f, NDArray x0, int coords) {
        NDArray x = x0.toType(DataType.FLOAT64, true);
        NDArray r;
        NDArray grad;
        try (NDManager sm = m.newSubManager()) {
            NDArray probe = f.apply(x.duplicate());
            r = m.randomNormal(probe.getShape()).toType(DataType.FLOAT64, false);
            NDArray xg = x.duplicate();
            xg.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(f.apply(xg).mul(r).sum());
            }
            grad = xg.getGradient().duplicate();
            grad.attach(m);
        }
        double[] g = grad.toDoubleArray();
        double[] base = x.toDoubleArray();
        Random pick = new Random(1);
        double h = 1e-6;
        double worst = 0;
        int n = base.length;
        for (int k = 0; k < Math.min(coords, n); k++) {
            int i = coords >= n ? k : pick.nextInt(n);
            double fd;
            try (NDManager sm = m.newSubManager()) {
                double[] plus = base.clone();
                double[] minus = base.clone();
                plus[i] += h;
                minus[i] -= h;
                double lp = f.apply(sm.create(plus, x.getShape())).mul(r).sum().getDouble();
                double lm = f.apply(sm.create(minus, x.getShape())).mul(r).sum().getDouble();
                fd = (lp - lm) / (2 * h);
            }
            // relative, with an absolute floor: central differences carry ~1e-9 of rounding noise at these magnitudes
            double err = Math.abs(fd - g[i]) / (Math.abs(fd) + Math.abs(g[i]) + 1e-4);
            assertTrue(Double.isFinite(g[i]), "non-finite gradient at " + i);
            if (err > 1e-5) {
                System.out.println("gradient check: coordinate " + i + " autograd " + g[i] + " finite differences " + fd);
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }

    /**
     * Makes every parameter of {@code module} float64 (trainable state as before). DJL keeps the dtype it first saw in
     * the Java object, so code must take its precision from the activations, not from parameters' getDataType().
     */
    static <T extends Module> T float64(T module) {
        for (Parameter p : module.namedParameters().values()) {
            NDArray a = p.getArray();
            boolean grad = a.hasGradient();
            a.intern(a.toType(DataType.FLOAT64, true));
            if (grad) {
                a.setRequiresGradient(true);
            }
        }
        return module;
    }

    NDArray normal(long... shape) {
        return m.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    @Test
    void groupNormIncludingAGroupWithZeroVariance() {
        GroupNorm gn = float64(new GroupNorm(m, 4, 8, 1e-6f));
        NDArray x = normal(2, 8, 3, 3);
        // channels 0-1 (group 0) of sample 0 constant: the variance is zero there
        x.set(new ai.djl.ndarray.index.NDIndex("0, 0:2"), 0.7);
        assertEquals(0, gn.forward(x).isNaN().sum().getLong());
        assertTrue(check(gn::forward, x, 200) < 1e-5, "GroupNorm");
        NDArray x5 = normal(1, 8, 2, 2, 3); // 5D input (temporal decoder)
        assertTrue(check(gn::forward, x5, 100) < 1e-5, "GroupNorm 5D");
    }

    @Test
    void attentionWithIdenticalAndSaturatedScores() {
        NDArray k = normal(2, 5, 8);
        NDArray v = normal(2, 5, 8);
        assertTrue(check(q -> Ops.attention(q, k, v), normal(2, 4, 8), 64) < 1e-5, "queries");
        assertTrue(check(kk -> Ops.attention(normal(2, 4, 8).mul(0).add(1), kk, v), k, 80) < 1e-5, "keys");
        NDArray same = normal(1, 1, 8).broadcast(new Shape(2, 5, 8)).duplicate(); // every key alike: uniform weights
        assertTrue(check(q -> Ops.attention(q, same, v), normal(2, 4, 8), 64) < 1e-5, "identical keys");
        NDArray big = normal(2, 4, 8).mul(30); // scores of hundreds: softmax saturates
        assertTrue(check(vv -> Ops.attention(big, k, vv), v, 80) < 1e-5, "saturated");
    }

    @Test
    void alphaBlendAcrossTheSigmoidIncludingSaturation() {
        NDArray spatial = normal(6, 3, 2, 2);
        NDArray temporal = normal(6, 3, 2, 2);
        NDArray indicator = m.create(new float[] {0, 1, 0, 0, 0, 1}, new Shape(2, 3));
        for (double logit : new double[] {0, 2.5, -40, 40}) {
            NDArray mix = m.create(new double[] {logit}, new Shape(1));
            Function<NDArray, NDArray> overMix = f -> AlphaBlender.over(f, AlphaBlender.Strategy.LEARNED_WITH_IMAGES).blend(spatial, temporal, indicator);
            assertTrue(check(overMix, mix, 1) < 1e-5, "mix factor at logit " + logit);
            AlphaBlender b = AlphaBlender.over(mix, AlphaBlender.Strategy.LEARNED);
            assertTrue(check(s -> b.blend(s, temporal, null), spatial, 40) < 1e-5, "spatial input at logit " + logit);
        }
    }

    @Test
    void temporalConvolutionAs2dHasTheGradientsOfA3dConvolution() {
        Conv temporal = float64(Conv.conv3d(m, 3, 4, new long[] {3, 1, 1}, false));
        Conv full = float64(Conv.conv3d(m, 3, 4, new long[] {3, 3, 3}, false));
        NDArray x = normal(2, 3, 5, 2, 3);
        assertTrue(check(temporal::forward, x, 60) < 1e-5, "[3,1,1] kernel (run as a 2D convolution)");
        assertTrue(check(full::forward, x, 60) < 1e-5, "[3,3,3] kernel");
        // and the 2D route equals the engine's 3D convolution, values and weight gradients
        NDArray w = temporal.namedParameters().get("weight").getArray();
        NDArray bias = temporal.namedParameters().get("bias").getArray();
        NDArray direct = x.getNDArrayInternal().convolution(x, w, bias, new Shape(1, 1, 1), new Shape(1, 0, 0), new Shape(1, 1, 1), 1).singletonOrThrow();
        assertArrayEquals(direct.toDoubleArray(), temporal.forward(x).toDoubleArray(), 1e-12);
    }

    @Test
    void posteriorSampleAndKlIncludingClippedLogVariances() {
        NDArray eps = normal(2, 2, 2, 2);
        Function<NDArray, NDArray> sample = moments -> {
            DiagonalGaussian g = new DiagonalGaussian(moments);
            return g.mean().add(Ops.scale(g.logvar(), 0.5f).exp().mul(eps));
        };
        Function<NDArray, NDArray> sampleAndKl = moments -> sample.apply(moments).sum().add(new DiagonalGaussian(moments).kl().sum()).reshape(1);
        NDArray moments = normal(2, 4, 2, 2);
        assertTrue(check(sampleAndKl, moments, 64) < 1e-5, "inside the clip range");
        // log-variances beyond [-30, 20] are clipped: no gradient flows to them, and none is made up
        NDArray low = moments.duplicate();
        low.set(new ai.djl.ndarray.index.NDIndex(":, 2:4, 0, 0"), -35.0);
        assertTrue(check(sampleAndKl, low, 64) < 1e-5, "below the clip range");
        NDArray high = moments.duplicate(); // exp(20) would swamp central differences of the KL, so the sample alone
        high.set(new ai.djl.ndarray.index.NDIndex(":, 2:4, 1, 1"), 25.0);
        assertTrue(check(sample, high, 64) < 1e-5, "above the clip range");
    }

    @Test
    void l1AndHingeLossesAtAndAroundTheirKinks() {
        NDArray target = normal(3, 4);
        NDArray equal = target.duplicate(); // |x - y| at zero: torch's subgradient 0, central differences agree
        equal.set(new ai.djl.ndarray.index.NDIndex("0"), normal(4));
        assertTrue(check(x -> x.sub(target).abs().mean().reshape(1), equal, 12) < 1e-5, "L1");
        NDArray fake = m.create(new double[] {-2, -0.5, 0.3, 1.7, -1.2, 0.9}, new Shape(6));
        assertTrue(check(real -> VideoDiscriminatorLoss.hingeDiscriminator(real, fake).reshape(1),
                m.create(new double[] {2.1, 0.4, -0.3, 1.3, 0.99, 1.01}, new Shape(6)), 6) < 1e-5, "hinge near its kink");
        assertTrue(check(x -> Ops.silu(x), normal(3, 5), 15) < 1e-5, "SiLU");
        assertTrue(check(x -> Ops.gelu(x), normal(3, 5), 15) < 1e-5, "GELU");
    }

    @Test
    void aWholeTinyVideoUNetInFloat64() {
        org.videoldm.model.UNetModel image = new org.videoldm.model.UNetModel(m, org.videoldm.model.UNetConfig.fromJson(com.google.gson.JsonParser.parseString(
                "{\"in_channels\": 4, \"out_channels\": 4, \"model_channels\": 32, \"channel_mult\": [1, 2], \"num_res_blocks\": 1,"
                        + " \"attention_resolutions\": [2], \"num_head_channels\": 16}").getAsJsonObject()));
        org.videoldm.model.VideoUNet video = org.videoldm.model.VideoUNet.fromImage(m, image,
                org.videoldm.train.Scale.TOY.videoUNet(image.config()));
        // make the zero-initialised output layers non-zero so every path carries gradient
        for (var e : video.stateDict().entrySet()) {
            if (e.getValue().abs().sum().getFloat() == 0f) {
                org.videoldm.io.StateDict.assign(e.getValue(), Ops.scale(m.randomNormal(e.getValue().getShape()), 0.05f));
            }
        }
        float64(video);
        NDArray t = m.create(new double[] {0.3, 0.3, 0.3, -0.2, -0.2, -0.2}, new Shape(6));
        NDArray indicator = m.create(new float[] {0, 0, 1, 0, 0, 0}, new Shape(2, 3));
        Function<NDArray, NDArray> f = x -> video.forward(x, t, null, null, 3, indicator, null);
        assertTrue(check(f, normal(6, 4, 8, 8), 24) < 1e-5, "VideoUNet input gradient");
    }

    @Test
    void theCheckFailsOnAWrongGradient() {
        // a function whose autograd gradient is wrong by construction: stopGradient hides x's role in the second term
        double err = check(x -> x.square().add(x.stopGradient().mul(x.stopGradient())), normal(5), 5);
        assertTrue(err > 0.1, "relative error " + err);
    }
}
