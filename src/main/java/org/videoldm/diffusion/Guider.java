package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * sgm's {@code Guider}: how the conditional and unconditional inputs are batched for one network call
 * ({@link #prepareInputs}) and how the denoised outputs are combined again ({@link #combine}, the reference's
 * {@code __call__}).
 */
public interface Guider {
    /** The batch the denoiser sees for input x at sigmas s, conditioning c and unconditional conditioning uc. */
    Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc);

    /** The guided denoised estimate from the denoiser's output on the prepared batch. */
    NDArray combine(NDArray denoised, NDArray sigma);

    /** The batched denoiser inputs. */
    record Inputs(NDArray x, NDArray sigma, Conditioning cond) {}
}
