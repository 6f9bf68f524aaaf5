package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sampler, driven by the exact denoiser of Gaussian data, must reproduce the data distribution: the sample
 * mean and standard deviation of N draws must match within a tolerance set by the sample size (5 standard
 * errors) plus a small allowance for discretisation error. Deterministic samplers are held to the exact answer
 * of the probability-flow ODE from the reference's start; stochastic ones to the data distribution itself.
 * Broken variants of a sampler must fail the same check.
 */
class SamplerDistributionTest {
    static final int N = 16384;
    static final GaussianData DATA = new GaussianData(1.5, 0.5);
    static final Discretization EDM = new EDMDiscretization(0.002, 80, 7);
    /** First-order samplers need many steps on this schedule: 30 Euler steps still shrink the std by 9%. */
    static final int STEPS = 200;
    static final int STEPS_2ND_ORDER = 50;
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Mean and std error of a sampler's output against the expected mean and std, and whether both are in tolerance. */
    record Check(String name, double mean, double std, double wantMean, double wantStd, double tolMean, double tolStd) {
        boolean ok() {
            return Math.abs(mean - wantMean) <= tolMean && Math.abs(std - wantStd) <= tolStd;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: mean %.4f (want %.4f +- %.4f), std %.4f (want %.4f +- %.4f)",
                    name, mean, wantMean, tolMean, std, wantStd, tolStd);
        }
    }

    static Check check(String name, DiffusionSampler sampler, DenoiseFunction denoiser, GaussianData data, boolean deterministic) {
        try (NDManager m = manager.newSubManager()) {
            NDArray noise = GaussianData.noise(m, N, 1234);
            NDArray out = sampler.sample(denoiser, noise, Conditioning.none(), null, 99, null);
            double[] st = GaussianData.stats(out);
            double sigma0 = sampler.sigmas()[0];
            double wantMean = deterministic ? data.odeMean(sigma0) : data.mean();
            double wantStd = deterministic ? data.odeStd(sigma0) : data.std();
            double se = data.std() / Math.sqrt(N);
            Check c = new Check(name, st[0], st[1], wantMean, wantStd, 5 * se + 0.01, 5 * se / Math.sqrt(2) + 0.02 * data.std());
            System.out.println(c);
            return c;
        }
    }

    static void assertPasses(Check c) {
        assertTrue(c.ok(), c.toString());
    }

    @Test
    void eulerEdm() {
        assertPasses(check("EulerEDM", new EulerEDMSampler(EDM, STEPS, null), DATA.denoiser(), DATA, true));
    }

    @Test
    void eulerEdmWithChurn() {
        // churn enlarges the Euler steps' error: s_churn 10 over 200 steps is within tolerance, 40 is not yet
        DiffusionSampler s = new EulerEDMSampler(EDM, STEPS, null, 10, 0.05, 50, 1.0);
        assertPasses(check("EulerEDM churn", s, DATA.denoiser(), DATA, false));
        DiffusionSampler h = new HeunEDMSampler(EDM, STEPS_2ND_ORDER, null, 40, 0.05, 50, 1.003);
        assertPasses(check("HeunEDM churn", h, DATA.denoiser(), DATA, false));
    }

    @Test
    void heun() {
        assertPasses(check("HeunEDM", new HeunEDMSampler(EDM, STEPS_2ND_ORDER, null), DATA.denoiser(), DATA, true));
    }

    @Test
    void eulerAncestral() {
        assertPasses(check("EulerAncestral", new EulerAncestralSampler(EDM, STEPS, null), DATA.denoiser(), DATA, false));
    }

    @Test
    void dpmpp2m() {
        assertPasses(check("DPM++2M", new DPMPP2MSampler(EDM, STEPS_2ND_ORDER, null), DATA.denoiser(), DATA, true));
    }

    @Test
    void ddimThroughDiscreteDenoiser() {
        DiscreteDenoiser den = DiscreteDenoiser.legacyDDPM(new EpsScaling());
        DenoiseFunction f = den.bind(DATA.epsNetwork(den));
        Discretization ddpm = new LegacyDDPMDiscretization();
        assertPasses(check("DDIM eta=0", new DDIMSampler(ddpm, STEPS, null, 0.0), f, DATA, true));
        assertPasses(check("DDIM eta=1", new DDIMSampler(ddpm, STEPS, null, 1.0), f, DATA, false));
    }

    @Test
    void guidanceWithIdenticalBranchesIsTheSampler() {
        assertPasses(check("EulerEDM + CFG 7.5", new EulerEDMSampler(EDM, STEPS, new VanillaCFG(7.5)), DATA.denoiser(), DATA, true));
    }

    @Test
    void aSeedFixesTheWholeRun() {
        try (NDManager m = manager.newSubManager()) {
            DiffusionSampler s = new EulerAncestralSampler(EDM, 10, null);
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(64, 1, 1, 1);
            java.util.List<Integer> steps = new java.util.ArrayList<>();
            float[] a = s.sample(DATA.denoiser(), m, shape, Conditioning.none(), null, 5, st -> steps.add(st.index())).toFloatArray();
            float[] b = s.sample(DATA.denoiser(), m, shape, Conditioning.none(), null, 5, null).toFloatArray();
            float[] c = s.sample(DATA.denoiser(), m, shape, Conditioning.none(), null, 6, null).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
            assertFalse(java.util.Arrays.equals(a, c));
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), steps);
        }
    }

    /** Euler with the sign of the step flipped: moves away from the data. */
    static final class SignErrorEuler extends EulerEDMSampler {
        SignErrorEuler() {
            super(EDM, STEPS, null);
        }

        @Override
        protected NDArray correction(Step s, NDArray euler, NDArray x, NDArray d, float dt) {
            return x.sub(d.mul(dt));
        }
    }

    /** Euler taking only 90% of each step. */
    static final class ShortStepEuler extends EulerEDMSampler {
        ShortStepEuler() {
            super(EDM, STEPS, null);
        }

        @Override
        protected NDArray correction(Step s, NDArray euler, NDArray x, NDArray d, float dt) {
            return x.add(d.mul(0.9f * dt));
        }
    }

    /** DPM-Solver++ with the history term's sign flipped. */
    static final class WrongHistoryDpm extends DiffusionSampler {
        WrongHistoryDpm() {
            super(EDM, STEPS_2ND_ORDER, null);
        }

        @Override
        protected NDArray step(Step s) {
            NDArray den = s.denoise(s.x(), s.sigma());
            NDArray old = s.carry();
            s.setCarry(den);
            if (s.nextSigma() <= 0) {
                return den;
            }
            double h = Math.log(s.sigma()) - Math.log(s.nextSigma());
            float m1 = s.nextSigma() / s.sigma();
            float m2 = (float) Math.expm1(-h);
            if (old == null) {
                return s.x().mul(m1).sub(den.mul(m2));
            }
            double r = (Math.log(s.previousSigma()) - Math.log(s.sigma())) / h;
            NDArray dd = den.mul((float) (1 - 1 / (2 * r))).add(old.mul((float) (1 / (2 * r))));
            return s.x().mul(m1).sub(dd.mul(m2));
        }
    }

    @Test
    void brokenSamplersFailTheSameCheck() {
        Check sign = check("Euler, sign error", new SignErrorEuler(), DATA.denoiser(), DATA, true);
        Check shortStep = check("Euler, 0.9 step", new ShortStepEuler(), DATA.denoiser(), DATA, true);
        Check dpm = check("DPM++2M, wrong history sign", new WrongHistoryDpm(), DATA.denoiser(), DATA, true);
        assertFalse(sign.ok(), sign.toString());
        assertFalse(shortStep.ok(), shortStep.toString());
        assertFalse(dpm.ok(), dpm.toString());
    }
}
