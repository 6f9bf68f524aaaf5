package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.nn.Module;

/** Scalings against their formulas, and denoisers that must return x0 when the network predicts its own target exactly. */
class DenoiserTest {
    static NDManager m;
    static final float[] SIGMAS = {0.03f, 0.5f, 1f, 7.3f, 80f};

    @BeforeAll
    static void setUp() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        m.close();
    }

    static double[] coeff(DenoiserScaling s, int which) {
        DenoiserScaling.Coefficients c = s.scale(m.create(SIGMAS));
        NDArray a = new NDArray[] {c.cSkip(), c.cOut(), c.cIn(), c.cNoise()}[which];
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void assertCoefficients(DenoiserScaling s, java.util.function.DoubleUnaryOperator... formulas) {
        for (int k = 0; k < 4; k++) {
            double[] got = coeff(s, k);
            for (int i = 0; i < SIGMAS.length; i++) {
                double want = formulas[k].applyAsDouble(SIGMAS[i]);
                assertEquals(want, got[i], 1e-6 * Math.max(1, Math.abs(want)), s.getClass().getSimpleName() + " coefficient " + k + " at sigma " + SIGMAS[i]);
            }
        }
    }

    @Test
    void scalingsFollowTheirFormulas() {
        assertCoefficients(new EpsScaling(), s -> 1, s -> -s, s -> 1 / Math.sqrt(s * s + 1), s -> s);
        assertCoefficients(new VScaling(), s -> 1 / (s * s + 1), s -> -s / Math.sqrt(s * s + 1), s -> 1 / Math.sqrt(s * s + 1), s -> s);
        assertCoefficients(new VScalingWithEDMcNoise(), s -> 1 / (s * s + 1), s -> -s / Math.sqrt(s * s + 1), s -> 1 / Math.sqrt(s * s + 1), s -> 0.25 * Math.log(s));
        assertCoefficients(new EDMScaling(0.5), s -> 0.25 / (s * s + 0.25), s -> 0.5 * s / Math.sqrt(s * s + 0.25), s -> 1 / Math.sqrt(s * s + 0.25), s -> 0.25 * Math.log(s));
    }

    /** A network that returns a fixed target regardless of its input. */
    static DiffusionNetwork constant(NDArray target) {
        return new DiffusionNetwork() {
            @Override
            public NDArray apply(NDArray x, NDArray cNoise, Conditioning cond) {
                return target;
            }

            @Override
            public Module module() {
                return null;
            }
        };
    }

    @Test
    void epsAndVDenoisersRecoverTheCleanSampleFromExactPredictions() {
        NDArray x0 = m.randomNormal(new Shape(5, 2, 3, 3));
        NDArray n = m.randomNormal(new Shape(5, 2, 3, 3));
        NDArray sigma = m.create(SIGMAS);
        NDArray col = sigma.reshape(5, 1, 1, 1);
        NDArray x = x0.add(n.mul(col));
        // eps-prediction: the target is the noise
        NDArray d = new Denoiser(new EpsScaling()).forward(constant(n), x, sigma, Conditioning.none());
        assertEquals(0, d.sub(x0).abs().max().getFloat(), 1e-4);
        // v-prediction: v = alpha eps - sigma_t x0 with alpha = 1/sqrt(1+s^2), sigma_t = s/sqrt(1+s^2)
        NDArray alpha = col.square().add(1).sqrt().pow(-1);
        NDArray v = n.mul(alpha).sub(x0.mul(col.mul(alpha)));
        assertEquals(0, new Denoiser(new VScaling()).forward(constant(v), x, sigma, Conditioning.none()).sub(x0).abs().max().getFloat(), 1e-4);
        assertEquals(0, new Denoiser(new VScalingWithEDMcNoise()).forward(constant(v), x, sigma, Conditioning.none()).sub(x0).abs().max().getFloat(), 1e-4);
    }

    @Test
    void denoiserPassesScaledInputAndNoiseConditioning() {
        NDArray[] seen = new NDArray[2];
        DiffusionNetwork probe = new DiffusionNetwork() {
            @Override
            public NDArray apply(NDArray x, NDArray cNoise, Conditioning cond) {
                seen[0] = x;
                seen[1] = cNoise;
                return x.zerosLike();
            }

            @Override
            public Module module() {
                return null;
            }
        };
        NDArray x = m.ones(new Shape(2, 1, 2, 2));
        NDArray out = new Denoiser(new EDMScaling()).forward(probe, x, m.create(new float[] {2f, 2f}), Conditioning.none());
        assertEquals(1 / Math.sqrt(4.25), seen[0].getFloat(0, 0, 0, 0), 1e-6);
        assertEquals(0.25 * Math.log(2), seen[1].getFloat(0), 1e-6);
        assertEquals(0.25 / 4.25, out.getFloat(1, 0, 1, 1), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new Denoiser(new EpsScaling()).forward(probe, x, m.create(new float[] {1, 2, 3}), Conditioning.none()));
    }

    @Test
    void discreteDenoiserSnapsToTheDdpmGrid() {
        DiscreteDenoiser d = DiscreteDenoiser.legacyDDPM(new EpsScaling());
        LegacyDDPMDiscretization ddpm = new LegacyDDPMDiscretization();
        assertEquals(1000, d.numIdx());
        for (int t : new int[] {0, 1, 124, 499, 999}) {
            assertEquals(ddpm.sigmaAt(t), d.idxToSigma(t));
            assertEquals(t, d.sigmaToIdx(ddpm.sigmaAt(t)));
        }
        float between = (float) Math.sqrt(ddpm.sigmaAt(500) * (double) ddpm.sigmaAt(501));
        int near = d.sigmaToIdx(between);
        float dist = Math.abs(between - d.idxToSigma(near));
        assertEquals(true, near == 500 || near == 501);
        assertEquals(true, dist <= Math.abs(between - d.idxToSigma(1001 - near)));
        // the network sees the index, and sigma itself is snapped
        NDArray q = d.possiblyQuantizeSigma(m.create(new float[] {between * 1.0001f}));
        assertEquals(d.idxToSigma(d.sigmaToIdx(between * 1.0001f)), q.getFloat(0));
        assertEquals(499f, d.possiblyQuantizeCNoise(m.create(new float[] {ddpm.sigmaAt(499)})).getFloat(0));
    }

    @Test
    void nearestIndexAgreesWithAFullScan() {
        DiscreteDenoiser d = DiscreteDenoiser.legacyDDPM(new EpsScaling());
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int k = 0; k < 2000; k++) {
            float s = k % 3 == 0 ? d.idxToSigma(r.nextInt(1000)) : (float) Math.exp(r.nextDouble(-5, 4));
            int best = 0;
            for (int i = 1; i < 1000; i++) {
                if (Math.abs(s - d.idxToSigma(i)) < Math.abs(s - d.idxToSigma(best))) {
                    best = i;
                }
            }
            assertEquals(best, d.sigmaToIdx(s), "sigma " + s);
        }
    }

    @Test
    void interpolatedTimestepsAreLinearInLogSigma() {
        DiscreteDenoiser d = DiscreteDenoiser.of(new EpsScaling(), new LegacyDDPMDiscretization(), 1000, false, true, DiscreteDenoiser.TimestepMode.INTERPOLATED);
        assertEquals(250.0, d.sigmaToT(d.idxToSigma(250)), 1e-9);
        float mid = (float) Math.exp(0.5 * (Math.log(d.idxToSigma(250)) + Math.log(d.idxToSigma(251))));
        assertEquals(250.5, d.sigmaToT(mid), 1e-4);
        assertEquals(0.0, d.sigmaToT(1e-6f));
        assertEquals(999.0, d.sigmaToT(1e6f));
        // sigma is not snapped in this mode
        assertEquals(mid, d.possiblyQuantizeSigma(m.create(new float[] {mid})).getFloat(0));
    }
}
