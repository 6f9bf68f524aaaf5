package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * One finished sampler step. {@code x} (the sample at {@code nextSigma}) and {@code denoised} (the last
 * guided estimate of the clean sample) are valid only during the callback: copy them to keep them.
 *
 * @param index the step just taken, 0-based
 * @param numSteps steps in the whole run
 */
public record SamplerStep(int index, int numSteps, float sigma, float nextSigma, NDArray x, NDArray denoised,
        double iterationsPerSecond, double etaSeconds) {}
