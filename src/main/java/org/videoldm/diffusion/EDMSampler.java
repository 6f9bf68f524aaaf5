package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * Karras et al.'s stochastic sampler (sgm's {@code EDMSampler}): at each step the noise level may first be raised
 * by a factor {@code 1 + gamma} ("churn", {@code gamma = min(s_churn / (num_sigmas - 1), sqrt2 - 1)} inside
 * [s_tmin, s_tmax]) by adding fresh noise, then an Euler step of the probability-flow ODE
 * {@code dx/dsigma = (x - D(x, sigma)) / sigma} goes to the next sigma; subclasses may correct it.
 */
public abstract class EDMSampler extends DiffusionSampler {
    protected final double sChurn;
    protected final double sTmin;
    protected final double sTmax;
    protected final double sNoise;

    protected EDMSampler(Discretization discretization, int numSteps, Guider guider, double sChurn, double sTmin, double sTmax, double sNoise) {
        super(discretization, numSteps, guider);
        this.sChurn = sChurn;
        this.sTmin = sTmin;
        this.sTmax = sTmax;
        this.sNoise = sNoise;
    }

    @Override
    protected NDArray step(Step s) {
        float sigma = s.sigma();
        double gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (s.numSigmas() - 1), Math.sqrt(2) - 1) : 0.0;
        float sigmaHat = (float) (sigma * (gamma + 1.0));
        NDArray x = s.x();
        if (gamma > 0) {
            NDArray eps = Ops.scale(s.randn(), (float) sNoise);
            x = x.add(Ops.scale(eps, (float) Math.sqrt((double) sigmaHat * sigmaHat - (double) sigma * sigma)));
        }
        NDArray denoised = s.denoise(x, sigmaHat);
        NDArray d = toD(x, sigmaHat, denoised);
        float dt = s.nextSigma() - sigmaHat;
        NDArray euler = x.add(Ops.scale(d, dt));
        return correction(s, euler, x, d, dt);
    }

    /** The derivative of the probability-flow ODE, {@code (x - denoised) / sigma} (sgm's {@code to_d}). */
    protected static NDArray toD(NDArray x, float sigma, NDArray denoised) {
        return Ops.divide(x.sub(denoised), sigma);
    }

    /** sgm's {@code possible_correction_step}: the Euler result, or a better one. */
    protected abstract NDArray correction(Step s, NDArray euler, NDArray x, NDArray d, float dt);
}
