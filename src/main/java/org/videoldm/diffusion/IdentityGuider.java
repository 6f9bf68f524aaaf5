package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/** No guidance: the conditional prediction alone (sgm's default guider). */
public final class IdentityGuider implements Guider {
    @Override
    public Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc) {
        return new Inputs(x, sigma, c);
    }

    @Override
    public NDArray combine(NDArray denoised, NDArray sigma) {
        return denoised;
    }
}
