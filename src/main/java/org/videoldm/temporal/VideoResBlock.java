package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.ResBlock;

/**
 * The video UNet's residual block ({@code VideoResBlock} of sgm's video_model): the image ResBlock on each
 * frame, then {@code time_stack}, a 3D ResBlock over {@code b c t h w} with a temporal kernel such as
 * [3, 1, 1] whose embedding is laid out per frame ({@code exchange_temb_dims}), and {@code time_mixer}
 * blending the two as {@code alpha * spatial + (1 - alpha) * temporal}.
 */
public class VideoResBlock extends ResBlock {
    private final ResBlock timeStack;
    private final AlphaBlender timeMixer;

    public VideoResBlock(NDManager m, int channels, int embChannels, Integer outChannels, boolean useScaleShiftNorm, Resample resample,
            long[] videoKernel, AlphaBlender.Strategy mergeStrategy, double mergeFactor) {
        super(m, channels, embChannels, outChannels, false, useScaleShiftNorm, resample, new long[] {3, 3}, false, false);
        if (videoKernel.length != 3) {
            throw new IllegalArgumentException("VideoResBlock: video_kernel_size needs 3 entries (t, h, w), got " + videoKernel.length);
        }
        int out = outChannels();
        timeStack = register("time_stack", new ResBlock(m, out, embChannels, out, false, false, Resample.NONE, videoKernel, true, false));
        timeMixer = register("time_mixer", new AlphaBlender(m, mergeFactor, mergeStrategy));
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        NDArray spatial = forwardSiluEmb(x, in.embSilu());
        int frames = in.numVideoFrames();
        NDArray embSilu = in.embSilu();
        long b = Frames.videos(embSilu.getShape().get(0), frames, "VideoResBlock");
        NDArray perFrame = embSilu.reshape(b, frames, embSilu.getShape().get(1));
        NDArray temporal = Frames.toFrames(timeStack.forwardSiluEmb(Frames.toVideo(spatial, frames), perFrame));
        return timeMixer.blend(spatial, temporal, in.imageOnlyIndicator());
    }
}
