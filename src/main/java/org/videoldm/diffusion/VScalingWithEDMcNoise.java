package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/** Stable Video Diffusion's scaling: v-prediction coefficients with EDM's noise conditioning {@code c_noise = 0.25 ln sigma}. */
public final class VScalingWithEDMcNoise implements DenoiserScaling {
    @Override
    public Coefficients scale(NDArray sigma) {
        return VScaling.vCoefficients(sigma, Ops.scale(sigma.log(), 0.25f));
    }
}
