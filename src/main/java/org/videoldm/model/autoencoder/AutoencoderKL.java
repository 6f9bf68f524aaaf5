package org.videoldm.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.videoldm.io.Kwargs;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;

/**
 * The first stage of a latent diffusion model ({@code AutoencoderKL}): encoder, {@code quant_conv} to
 * mean/log-variance, {@code post_quant_conv}, decoder. Latents are multiplied by {@code scaleFactor}
 * (0.18215 for Stable Diffusion) before diffusion and divided by it before decoding.
 */
public class AutoencoderKL extends Module {
    private final DDConfig ddconfig;
    private final int embedDim;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv quantConv;
    private final Conv postQuantConv;

    public AutoencoderKL(NDManager m, DDConfig dd, int embedDim) {
        this(m, dd, embedDim, new Decoder(m, dd));
    }

    /** With a given decoder, e.g. a temporal {@code VideoDecoder} for video decoding. */
    public AutoencoderKL(NDManager m, DDConfig dd, int embedDim, Decoder decoder) {
        super(m);
        if (!dd.double_z()) {
            throw new IllegalArgumentException("AutoencoderKL needs double_z (mean and log-variance)");
        }
        this.ddconfig = dd;
        this.embedDim = embedDim;
        encoder = register("encoder", new Encoder(m, dd));
        this.decoder = register("decoder", decoder);
        quantConv = register("quant_conv", Conv.conv2d(m, 2 * dd.z_channels(), 2 * embedDim, 1));
        postQuantConv = register("post_quant_conv", Conv.conv2d(m, embedDim, dd.z_channels(), 1));
    }

    /** From the reference's constructor kwargs ({@code embed_dim}, {@code ddconfig}). */
    public static AutoencoderKL fromJson(NDManager m, JsonObject kwargs) {
        Kwargs k = new Kwargs(kwargs, "AutoencoderKL config");
        if (!kwargs.has("ddconfig")) {
            throw new IllegalArgumentException("AutoencoderKL config: missing 'ddconfig'");
        }
        return new AutoencoderKL(m, DDConfig.fromJson(kwargs.getAsJsonObject("ddconfig")), k.requireInt("embed_dim"));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("embed_dim", embedDim);
        o.add("ddconfig", ddconfig.toJson());
        return o;
    }

    public DDConfig ddconfig() {
        return ddconfig;
    }

    public int embedDim() {
        return embedDim;
    }

    public Encoder encoder() {
        return encoder;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** Output of the encoder network before {@code quant_conv}. */
    public NDArray encoderOutput(NDArray x) {
        return encoder.forward(x);
    }

    /** {@code quant_conv(encoder(x))}: mean and log-variance stacked on the channel axis, before clamping. */
    public NDArray moments(NDArray x) {
        return quantConv.forward(encoder.forward(x));
    }

    /** x [N, 3, H, W] in [-1, 1] -> posterior over latents [N, embed_dim, H/f, W/f]. */
    public DiagonalGaussian encode(NDArray x) {
        return new DiagonalGaussian(moments(x));
    }

    /** z [N, embed_dim, h, w] (unscaled) -> images; {@code frames} per video for a temporal decoder. */
    public NDArray decode(NDArray z, int frames) {
        return decoder.forward(postQuantConv.forward(z), frames);
    }

    public NDArray decode(NDArray z) {
        return decode(z, 1);
    }

    public Conv postQuantConv() {
        return postQuantConv;
    }
}
