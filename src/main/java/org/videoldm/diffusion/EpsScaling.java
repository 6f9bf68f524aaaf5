package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/** The network predicts the noise (SD's DDPM training): {@code D = x - sigma * eps(x / sqrt(sigma^2 + 1))}. */
public final class EpsScaling implements DenoiserScaling {
    @Override
    public Coefficients scale(NDArray sigma) {
        NDArray cSkip = sigma.onesLike();
        NDArray cOut = sigma.neg();
        NDArray cIn = sigma.square().add(1f).sqrt().getNDArrayInternal().rdiv(1f);
        NDArray cNoise = sigma.duplicate();
        return new Coefficients(cSkip, cOut, cIn, cNoise);
    }
}
