package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.model.UNetModel;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/**
 * sgm's {@code OpenAIWrapper}: joins {@code concat} to the input channels, then calls the UNet with
 * {@code crossattn} as context and {@code vector} as y. Works for image and video UNets.
 */
public final class OpenAIWrapper implements DiffusionNetwork {
    private final UNetModel unet;

    public OpenAIWrapper(UNetModel unet) {
        this.unet = unet;
    }

    @Override
    public NDArray apply(NDArray x, NDArray cNoise, Conditioning c) {
        NDArray in = c.concat() == null ? x : Ops.cat(1, x, c.concat());
        return unet.forward(in, cNoise, c.crossattn(), c.vector(), c.numVideoFrames(), c.imageOnlyIndicator(), null);
    }

    @Override
    public Module module() {
        return unet;
    }

    public UNetModel unet() {
        return unet;
    }
}
