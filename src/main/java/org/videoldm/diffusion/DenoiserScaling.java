package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * sgm's {@code DenoiserScaling}: the preconditioning of a denoiser, {@code D(x, s) = F(c_in x, c_noise) c_out + c_skip x}.
 * Each coefficient has the shape of {@code sigma} (one value per batch row).
 */
public interface DenoiserScaling {
    /** The four coefficients for the given sigmas. */
    Coefficients scale(NDArray sigma);

    /** c_skip, c_out, c_in and c_noise for a batch of sigmas. */
    record Coefficients(NDArray cSkip, NDArray cOut, NDArray cIn, NDArray cNoise) {}
}
