package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/** v-prediction (SD 2.x 768): {@code c_skip = 1/(s^2+1)}, {@code c_out = -s/sqrt(s^2+1)}, {@code c_in = 1/sqrt(s^2+1)}, c_noise = sigma. */
public final class VScaling implements DenoiserScaling {
    @Override
    public Coefficients scale(NDArray sigma) {
        return vCoefficients(sigma, sigma.duplicate());
    }

    /** The v-prediction coefficients with a given c_noise (shared with {@link VScalingWithEDMcNoise}). */
    static Coefficients vCoefficients(NDArray sigma, NDArray cNoise) {
        NDArray s2p1 = sigma.square().add(1f);
        NDArray cSkip = s2p1.getNDArrayInternal().rdiv(1f);
        NDArray cOut = sigma.neg().div(s2p1.sqrt());
        NDArray cIn = s2p1.sqrt().getNDArrayInternal().rdiv(1f);
        return new Coefficients(cSkip, cOut, cIn, cNoise);
    }
}
