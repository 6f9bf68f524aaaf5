package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.model.BoxLDM;
import org.videoldm.nn.Module;

/**
 * The box LDM inside a denoiser. Its {@code crossattn} conditioning is the packed box input, which the network turns
 * into tokens itself: the box embedder trains with the UNet, so it must run inside the training step's forward pass,
 * as sgm runs its trainable conditioner inside the engine's forward. The unconditional input for guidance is the
 * packed input of a dropped layout (every token null).
 */
public final class BoxLDMWrapper implements DiffusionNetwork {
    private final BoxLDM model;

    public BoxLDMWrapper(BoxLDM model) {
        this.model = model;
    }

    @Override
    public NDArray apply(NDArray x, NDArray cNoise, Conditioning c) {
        if (c.crossattn() == null) {
            throw new IllegalArgumentException("box LDM: the conditioning carries no packed boxes (crossattn)");
        }
        return model.forward(x, cNoise, c.crossattn());
    }

    @Override
    public Module module() {
        return model;
    }
}
