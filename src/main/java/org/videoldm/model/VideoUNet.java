package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.nn.ResBlock;
import org.videoldm.nn.TimestepBlock;
import org.videoldm.temporal.Frames;
import org.videoldm.temporal.SpatialVideoTransformer;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.temporal.VideoResBlock;

/**
 * The video UNet of Video LDM / Stable Video Diffusion ({@code VideoUNet} of sgm's video_model): the image
 * UNet's skeleton with a {@link VideoResBlock} in place of every ResBlock and a
 * {@link SpatialVideoTransformer} in place of every SpatialTransformer. Input rows are frames of whole
 * videos, {@code (b t)}, with {@code num_video_frames} = t; {@code image_only_indicator [b, t]} marks frames
 * to be treated as independent images (needed by the {@code learned_with_images} merge strategy).
 */
public class VideoUNet extends UNetModel {
    /** Where released checkpoints (SVD) keep the network. */
    public static final String CHECKPOINT_PREFIX = "model.diffusion_model.";

    private final VideoUNetConfig videoConfig;

    public VideoUNet(NDManager m, VideoUNetConfig c) {
        super(m, c.unet(), videoLayers(c));
        this.videoConfig = c;
    }

    private static Layers videoLayers(VideoUNetConfig v) {
        UNetConfig c = v.unet();
        return new Layers() {
            @Override
            public TimestepBlock resBlock(NDManager m, int ch, int embDim, Integer out, ResBlock.Resample resample) {
                return new VideoResBlock(m, ch, embDim, out, c.use_scale_shift_norm(), resample, v.video_kernel_size(), v.strategy(), v.merge_factor());
            }

            @Override
            public TimestepBlock transformer(NDManager m, int ch, int heads, int dimHead, int depth, boolean disableSelfAttn) {
                return new SpatialVideoTransformer(m, ch, heads, dimHead, depth, c.context_dim(), disableSelfAttn, c.use_linear_in_transformer(),
                        v.time_context_dim(), v.extra_ff_mix_layer(), v.use_spatial_context(), v.strategy(), v.merge_factor(),
                        v.disable_temporal_crossattention(), v.max_ddpm_temb_period());
            }
        };
    }

    public VideoUNetConfig videoConfig() {
        return videoConfig;
    }

    /**
     * @param x [(b t), C, H, W] frames of b videos
     * @param numVideoFrames t
     * @param imageOnlyIndicator [b, t], 1 where a frame is an independent image; may be null unless the merge
     *     strategy is learned_with_images
     * @param timeContext context of the temporal cross-attention, one row per video, or null
     */
    @Override
    public NDArray forward(NDArray x, NDArray timesteps, NDArray context, NDArray y, int numVideoFrames, NDArray imageOnlyIndicator,
            NDArray timeContext) {
        long videos = Frames.videos(x.getShape().get(0), numVideoFrames, "VideoUNet");
        if (imageOnlyIndicator != null && imageOnlyIndicator.size() != x.getShape().get(0)) {
            throw new IllegalArgumentException("VideoUNet: image_only_indicator " + imageOnlyIndicator.getShape() + " does not match "
                    + videos + " videos of " + numVideoFrames + " frames");
        }
        return super.forward(x, timesteps, context, y, numVideoFrames,
                imageOnlyIndicator == null ? null : imageOnlyIndicator.reshape(videos, numVideoFrames), timeContext);
    }

    /** A batch of videos: every frame of the b videos treated as video (indicator all zeros). */
    public NDArray forwardVideo(NDArray x, NDArray timesteps, NDArray context, NDArray y, int numVideoFrames) {
        long videos = Frames.videos(x.getShape().get(0), numVideoFrames, "VideoUNet");
        NDArray zeros = x.getManager().zeros(new ai.djl.ndarray.types.Shape(videos, numVideoFrames));
        return forward(x, timesteps, context, y, numVideoFrames, zeros, null);
    }

    /**
     * The paper's construction: a video UNet whose spatial layers are copied from a trained image
     * {@link UNetModel} and whose temporal layers are freshly initialised as the reference initialises them
     * (torch defaults, the 3D ResBlocks' {@code out_layers.3} zero so their residual branch starts at zero,
     * {@code mix_factor} = merge_factor). The video config's {@code unet} must equal the image UNet's.
     */
    public static VideoUNet fromImage(NDManager m, UNetModel image, VideoUNetConfig c) {
        VideoUNet video = new VideoUNet(m, c);
        TemporalParameters.copySpatial(image, video);
        return video;
    }

    /** Loads SVD's video UNet from a full checkpoint, with the config inferred from the tensor shapes. */
    public static VideoUNet fromCheckpoint(NDManager m, Path file) {
        return fromCheckpoint(m, file, CHECKPOINT_PREFIX, null);
    }

    /** Loads strictly from the tensors under {@code prefix}; with a null config it is inferred from their shapes. */
    public static VideoUNet fromCheckpoint(NDManager m, Path file, String prefix, VideoUNetConfig config) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            VideoUNetConfig c = config;
            if (c == null) {
                ShapeInference.Inferred inf = ShapeInference.unet(ShapeInference.shapes(f, prefix));
                if (!inf.module().equals("VideoUNet")) {
                    throw new IllegalArgumentException(file + ": the network under '" + prefix + "' is an image UNetModel (no temporal layers)");
                }
                c = VideoUNetConfig.fromJson(inf.kwargs());
            }
            VideoUNet unet = new VideoUNet(m, c);
            StateDict.load(unet, f, prefix);
            return unet;
        }
    }

    /** Loads an image UNet from a checkpoint (strictly, under {@code prefix}, e.g. {@code model.diffusion_model.}) and converts it. */
    public static VideoUNet fromImageCheckpoint(NDManager m, Path file, String prefix, VideoUNetConfig c) {
        try (NDManager scratch = m.newSubManager()) {
            UNetModel image = new UNetModel(scratch, c.unet());
            StateDict.load(image, file, prefix);
            return fromImage(m, image, c);
        }
    }
}
