package org.videoldm.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Locale;
import org.videoldm.data.ClipOptions;
import org.videoldm.model.Discriminator3D;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.VideoDecoderConfig;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.DDConfig;

/**
 * The size of everything: frame size, clip length and rate, and every network's configuration. The same stage code
 * runs at any scale. {@link #TOY} is what runs on a laptop CPU in minutes (the shipped checkpoints); {@link #PAPER}
 * is the paper's driving setup as far as it is published (128 x 256 frames, an f = 8 autoencoder, a large UNet),
 * untested here. Chosen by the system property {@code videoldm.scale} or the environment variable
 * {@code VIDEOLDM_SCALE} ({@code toy|paper}); default toy. Step counts, batch sizes and learning rates belong to each
 * stage's settings, which start from the scale and the {@link RunMode}.
 */
public enum Scale {
    /**
     * 64 x 128 frames, clips of 8 frames at 5 fps; f = 4 autoencoder (ch 32, ch_mult [1, 2, 2], one resnet block per
     * level, attention only in the middle) to 4 x 16 x 32 latents; UNet with 32 base channels, channel_mult
     * [1, 2, 2], one resnet block per level, attention at ds 2 and 4 with 32-channel heads (about 1.6 M spatial and
     * 1.5 M temporal parameters: about 3 MB and 6 MB as float16).
     */
    TOY(64, 128, 8, 5.0, 3,
            """
            {"ch": 32, "out_ch": 3, "ch_mult": [1, 2, 2], "num_res_blocks": 1, "attn_resolutions": [], "in_channels": 3,
             "resolution": 64, "z_channels": 4, "double_z": true, "attn_type": "vanilla"}""", 4,
            """
            {"in_channels": 4, "out_channels": 4, "model_channels": 32, "channel_mult": [1, 2, 2], "num_res_blocks": 1,
             "attention_resolutions": [2, 4], "num_head_channels": 32, "transformer_depth": 1}""",
            32, 200),
    /**
     * The paper's driving model as far as known: 128 x 256 frames, clips of 16 frames; an SD-like f = 8 autoencoder
     * (ch 128, ch_mult [1, 2, 4, 4]) to 4 x 16 x 32 latents; UNet with 256 base channels. Untested on this machine.
     */
    PAPER(128, 256, 16, 10.0, 2,
            """
            {"ch": 128, "out_ch": 3, "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "in_channels": 3,
             "resolution": 256, "z_channels": 4, "double_z": true, "attn_type": "vanilla"}""", 4,
            """
            {"in_channels": 4, "out_channels": 4, "model_channels": 256, "channel_mult": [1, 2, 4], "num_res_blocks": 2,
             "attention_resolutions": [2, 4], "num_head_channels": 64, "transformer_depth": 1}""",
            64, 2000);

    public static final String PROPERTY = "videoldm.scale";
    public static final String ENV = "VIDEOLDM_SCALE";

    private final int height;
    private final int width;
    private final int frames;
    private final double targetFps;
    private final int clipSpacing;
    private final String ddconfig;
    private final int embedDim;
    private final String unet;
    private final int discriminatorChannels;
    private final int syntheticClips;

    Scale(int height, int width, int frames, double targetFps, int clipSpacing, String ddconfig, int embedDim, String unet,
            int discriminatorChannels, int syntheticClips) {
        this.height = height;
        this.width = width;
        this.frames = frames;
        this.targetFps = targetFps;
        this.clipSpacing = clipSpacing;
        this.ddconfig = ddconfig;
        this.embedDim = embedDim;
        this.unet = unet;
        this.discriminatorChannels = discriminatorChannels;
        this.syntheticClips = syntheticClips;
    }

    /** The scale from the property, else the environment, else TOY. */
    public static Scale current() {
        return org.videoldm.util.Setting.lookup(PROPERTY, ENV).map(Scale::parse).orElse(TOY);
    }

    public static Scale parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "toy" -> TOY;
            case "paper" -> PAPER;
            default -> throw new IllegalArgumentException("scale must be toy or paper, got '" + s + "' (" + PROPERTY + " / " + ENV + ")");
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Frame height in pixels. */
    public int height() {
        return height;
    }

    /** Frame width in pixels. */
    public int width() {
        return width;
    }

    /** Frames per training clip (T). */
    public int frames() {
        return frames;
    }

    /** Clips are resampled to this rate, so that T frames span a visible stretch of driving. */
    public double targetFps() {
        return targetFps;
    }

    /** Source frames between the starts of overlapping training clips. */
    public int clipSpacing() {
        return clipSpacing;
    }

    /** Procedural clips made for the {@code synthetic} data source. */
    public int syntheticClips() {
        return syntheticClips;
    }

    /**
     * Clip options of this scale: T frames of height x width at the target rate, overlapping clips, random crops and
     * flips for training, about one video in seven held out for validation (one of the six real drives).
     */
    public ClipOptions clipOptions(long seed) {
        return ClipOptions.defaults().withFrames(frames).withSize(height, width).withTargetFps(targetFps).withClipSpacing(clipSpacing)
                .withRandomCrop(true).withFlip(true).withValidationFraction(0.15).withSeed(seed);
    }

    /** The autoencoder's encoder/decoder configuration. */
    public DDConfig ddconfig() {
        return DDConfig.fromJson(JsonParser.parseString(ddconfig).getAsJsonObject());
    }

    /** The autoencoder's latent channels ({@code embed_dim}). */
    public int embedDim() {
        return embedDim;
    }

    /** The reference's AutoencoderKL kwargs ({@code embed_dim}, {@code ddconfig}). */
    public JsonObject autoencoderKwargs() {
        JsonObject o = new JsonObject();
        o.addProperty("embed_dim", embedDim);
        o.add("ddconfig", ddconfig().toJson());
        return o;
    }

    /** Latent height and width: the frame size over the autoencoder's downsampling factor. */
    public int latentHeight() {
        return height / ddconfig().downFactor();
    }

    public int latentWidth() {
        return width / ddconfig().downFactor();
    }

    /** The unconditional image UNet on latent frames (no context: cross-attention attends to the features). */
    public UNetConfig imageUNet() {
        return UNetConfig.fromJson(JsonParser.parseString(unet).getAsJsonObject());
    }

    /** An image UNet with extra input channels (concatenated conditioning: context frames and masks, low-resolution latents). */
    public UNetConfig imageUNet(int extraInputChannels) {
        JsonObject o = JsonParser.parseString(unet).getAsJsonObject();
        o.addProperty("in_channels", o.get("in_channels").getAsInt() + extraInputChannels);
        return UNetConfig.fromJson(o);
    }

    /**
     * The video UNet over an image UNet: Video LDM's temporal layers as in the reference's VideoUNet, a learned
     * per-layer alpha (logit 0, alpha 0.5; {@code learned_with_images}, so frames marked as images skip the temporal
     * path), [3, 1, 1] temporal convolutions, temporal attention without context.
     */
    public VideoUNetConfig videoUNet(UNetConfig image) {
        return VideoUNetConfig.videoLDM(image);
    }

    public VideoUNetConfig videoUNet() {
        return videoUNet(imageUNet());
    }

    /** The temporal decoder: 3D residual layers and the output time-mixing conv ([3, 1, 1]) in the image decoder. */
    public VideoDecoderConfig videoDecoder() {
        return VideoDecoderConfig.svd(ddconfig());
    }

    /** The video discriminator of decoder fine-tuning (3D PatchGAN, three layers). */
    public Discriminator3D.Config discriminator() {
        return new Discriminator3D.Config(3, discriminatorChannels, 3, 3, "group");
    }
}
