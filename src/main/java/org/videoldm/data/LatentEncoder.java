package org.videoldm.data;

import ai.djl.ndarray.NDArray;

/**
 * What the latent cache needs from an autoencoder, so that the data package does not depend on
 * model code: the autoencoder implements this.
 */
public interface LatentEncoder {
    /**
     * Encodes frames {@code [N, 3, H, W]}, float in [-1, 1], to latents {@code [N, C, h, w]} as the
     * autoencoder produces them (before the scale factor). The result may live in the input's manager.
     */
    NDArray encode(NDArray frames);

    /** The factor latents are multiplied by before diffusion (0.18215 for Stable Diffusion's autoencoder). */
    float scaleFactor();

    /** A short description stored with the latents (model name, checkpoint). */
    String describe();
}
