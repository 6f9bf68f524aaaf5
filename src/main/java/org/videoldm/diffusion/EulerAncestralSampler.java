package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/** Euler step to sigma_down, then fresh noise to sigma_next (k-diffusion's euler_ancestral). */
public class EulerAncestralSampler extends AncestralSampler {
    public EulerAncestralSampler(Discretization discretization, int numSteps, Guider guider) {
        this(discretization, numSteps, guider, 1.0, 1.0);
    }

    public EulerAncestralSampler(Discretization discretization, int numSteps, Guider guider, double eta, double sNoise) {
        super(discretization, numSteps, guider, eta, sNoise);
    }

    @Override
    protected NDArray step(Step s) {
        float sigma = s.sigma();
        double[] du = ancestralStep(sigma, s.nextSigma(), eta);
        NDArray x = s.x();
        NDArray denoised = s.denoise(x, sigma);
        NDArray d = EDMSampler.toD(x, sigma, denoised);
        NDArray stepped = x.add(Ops.scale(d, (float) (du[0] - sigma)));
        return ancestralNoise(s, stepped, du[1]);
    }
}
