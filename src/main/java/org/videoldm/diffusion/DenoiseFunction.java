package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * What a sampler calls: the denoised estimate of {@code x} at noise level {@code sigma} (one per batch row).
 * A {@link Denoiser} bound to a network is one ({@link Denoiser#bind}); tests pass closed-form denoisers.
 */
@FunctionalInterface
public interface DenoiseFunction {
    NDArray denoise(NDArray x, NDArray sigma, Conditioning cond);
}
