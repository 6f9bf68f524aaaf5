package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * The second-order EDM sampler: after the Euler step, the derivative is evaluated again at the new point and
 * the step is redone with the average of both (Heun's method); the last step, to sigma 0, stays Euler.
 */
public class HeunEDMSampler extends EDMSampler {
    public HeunEDMSampler(Discretization discretization, int numSteps, Guider guider) {
        this(discretization, numSteps, guider, 0.0, 0.0, Double.POSITIVE_INFINITY, 1.0);
    }

    public HeunEDMSampler(Discretization discretization, int numSteps, Guider guider, double sChurn, double sTmin, double sTmax, double sNoise) {
        super(discretization, numSteps, guider, sChurn, sTmin, sTmax, sNoise);
    }

    @Override
    protected NDArray correction(Step s, NDArray euler, NDArray x, NDArray d, float dt) {
        float next = s.nextSigma();
        if (next <= 0) {
            return euler;
        }
        NDArray denoised = s.denoise(euler, next);
        NDArray dNew = toD(euler, next, denoised);
        NDArray dPrime = Ops.divide(d.add(dNew), 2f);
        return x.add(Ops.scale(dPrime, dt));
    }
}
