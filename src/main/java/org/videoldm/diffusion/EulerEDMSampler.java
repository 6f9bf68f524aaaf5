package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/** The first-order EDM sampler (Euler steps, optional churn); with s_churn 0 it is deterministic. */
public class EulerEDMSampler extends EDMSampler {
    public EulerEDMSampler(Discretization discretization, int numSteps, Guider guider) {
        this(discretization, numSteps, guider, 0.0, 0.0, Double.POSITIVE_INFINITY, 1.0);
    }

    public EulerEDMSampler(Discretization discretization, int numSteps, Guider guider, double sChurn, double sTmin, double sTmax, double sNoise) {
        super(discretization, numSteps, guider, sChurn, sTmin, sTmax, sNoise);
    }

    @Override
    protected NDArray correction(Step s, NDArray euler, NDArray x, NDArray d, float dt) {
        return euler;
    }
}
