package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.model.autoencoder.AttnBlock;
import org.videoldm.nn.Linear;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Ops;
import org.videoldm.nn.TimestepEmbedding;

/**
 * The temporal autoencoder's attention block ({@code VideoBlock} of sgm's temporal_ae): the decoder's
 * single-head spatial attention, and on its output a single-head temporal transformer block
 * ({@code time_mix_block}, with {@code ff_in}, no context) fed with a frame-position embedding
 * ({@code video_time_embed}); the two are blended as {@code alpha * spatial + (1 - alpha) * temporal}
 * before {@code proj_out} and the residual.
 */
public class VideoBlock extends AttnBlock {
    private final int channels;
    private final VideoTransformerBlock timeMixBlock;
    private final Linear videoTimeEmbed0;
    private final Linear videoTimeEmbed2;
    private final AlphaBlender mixer;

    public VideoBlock(NDManager m, int channels, double alpha, AlphaBlender.Strategy mergeStrategy) {
        super(m, channels);
        if (mergeStrategy == AlphaBlender.Strategy.LEARNED_WITH_IMAGES) {
            throw new IllegalArgumentException("temporal autoencoder: merge_strategy must be fixed or learned, got learned_with_images");
        }
        this.channels = channels;
        timeMixBlock = register("time_mix_block", new VideoTransformerBlock(m, channels, 1, channels, null, true, null, false, false));
        ModuleList te = register("video_time_embed", new ModuleList(m));
        videoTimeEmbed0 = te.add(0, new Linear(m, channels, channels * 4, true));
        videoTimeEmbed2 = te.add(2, new Linear(m, channels * 4, channels, true));
        NDArray init = m.create(new float[] {(float) alpha});
        mixer = AlphaBlender.over(mergeStrategy == AlphaBlender.Strategy.FIXED ? buffer("mix_factor", init) : param("mix_factor", init), mergeStrategy);
    }

    /** x [(b t), C, H, W] with {@code timesteps} frames per video. */
    @Override
    public NDArray forward(NDArray x, int timesteps) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long b = Frames.videos(x.getShape().get(0), timesteps, "VideoBlock");
        NDArray spatial = Ops.toTokens(attention(x));
        NDArray t = TimestepEmbedding.frames(x.getManager(), b, timesteps, channels, 10000.0, x.getDataType());
        NDArray emb = videoTimeEmbed2.forward(Ops.silu(videoTimeEmbed0.forward(t))).expandDims(1);
        NDArray temporal = timeMixBlock.forward(spatial.add(emb), null, timesteps);
        NDArray mixed = mixer.blend(spatial, temporal, null);
        return x.add(projOut().forward(Ops.fromTokens(mixed, h, w)));
    }
}
