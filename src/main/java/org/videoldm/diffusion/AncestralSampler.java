package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * Samplers that step deterministically down to {@code sigma_down} and then add fresh noise of level
 * {@code sigma_up}, with {@code sigma_down^2 + sigma_up^2 = sigma_next^2} (sgm's {@code AncestralSampler});
 * eta scales the fresh noise (0: deterministic, 1: the full ancestral step).
 */
public abstract class AncestralSampler extends DiffusionSampler {
    protected final double eta;
    protected final double sNoise;

    protected AncestralSampler(Discretization discretization, int numSteps, Guider guider, double eta, double sNoise) {
        super(discretization, numSteps, guider);
        this.eta = eta;
        this.sNoise = sNoise;
    }

    /** {sigma_down, sigma_up} for a step from {@code from} to {@code to} (sgm's {@code get_ancestral_step}). */
    public static double[] ancestralStep(double from, double to, double eta) {
        if (eta == 0) {
            return new double[] {to, 0};
        }
        double up = Math.min(to, eta * Math.sqrt(to * to * (from * from - to * to) / (from * from)));
        double down = Math.sqrt(to * to - up * up);
        return new double[] {down, up};
    }

    /** Adds noise of level sigma_up unless the step ends at sigma 0. */
    protected NDArray ancestralNoise(Step s, NDArray x, double sigmaUp) {
        if (s.nextSigma() <= 0 || sigmaUp == 0) {
            return x;
        }
        return x.add(Ops.scale(s.randn(), (float) (sNoise * sigmaUp)));
    }
}
