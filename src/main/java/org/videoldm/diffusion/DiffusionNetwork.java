package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Module;

/** The network inside a denoiser: raw output for a (c_in-scaled) input at noise conditioning c_noise. */
public interface DiffusionNetwork {
    /**
     * @param x the noisy input, already multiplied by c_in, [N, C, H, W] (videos as (b t))
     * @param cNoise the network's noise conditioning per row [N] (a DDPM index, or 0.25 ln sigma, ...)
     */
    NDArray apply(NDArray x, NDArray cNoise, Conditioning cond);

    /** The trainable module behind it. */
    Module module();
}
