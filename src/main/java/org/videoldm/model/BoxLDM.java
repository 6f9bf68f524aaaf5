package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;

/**
 * The bounding-box-conditioned image LDM of the paper's driving simulation: an image UNet whose cross-attention reads
 * the tokens of a {@link BoxEmbedder} (its {@code context_dim} equals the embedder's). The embedder is trained with the
 * UNet, so both are one module, saved under sgm's layout of a diffusion engine: {@code model.diffusion_model.*} and
 * {@code model.box_embedder.*}.
 */
public final class BoxLDM extends org.videoldm.nn.Module {
    private final UNetModel unet;
    private final BoxEmbedder embedder;

    public BoxLDM(NDManager m, UNetConfig unetConfig, BoxEmbedder.Config boxConfig) {
        super(m);
        if (unetConfig.context_dim() == null || unetConfig.context_dim() != boxConfig.context_dim()) {
            throw new IllegalArgumentException("box LDM: the UNet's context_dim (" + unetConfig.context_dim() + ") must equal the box embedder's ("
                    + boxConfig.context_dim() + ")");
        }
        unet = register("diffusion_model", new UNetModel(m, unetConfig));
        embedder = register("box_embedder", new BoxEmbedder(m, boxConfig));
    }

    public UNetModel unet() {
        return unet;
    }

    public BoxEmbedder embedder() {
        return embedder;
    }

    /** The UNet's output for x at {@code timesteps}, cross-attending to the tokens of the packed boxes ({@link BoxEmbedder#pack}). */
    public NDArray forward(NDArray x, NDArray timesteps, NDArray packedBoxes) {
        return unet.forward(x, timesteps, embedder.forward(packedBoxes), null);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.add("unet", unet.config().toJson());
        o.add("box_embedder", embedder.config().toJson());
        return o;
    }

    public static BoxLDM fromJson(NDManager m, JsonObject o) {
        return new BoxLDM(m, UNetConfig.fromJson(o.getAsJsonObject("unet")), BoxEmbedder.Config.fromJson(o.getAsJsonObject("box_embedder")));
    }
}
