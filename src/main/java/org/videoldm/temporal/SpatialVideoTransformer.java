package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.BasicTransformerBlock;
import org.videoldm.nn.Linear;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Ops;
import org.videoldm.nn.SpatialTransformer;
import org.videoldm.nn.TimestepEmbedding;

/**
 * The video UNet's transformer ({@code SpatialVideoTransformer} of sgm's video_attention): after each
 * spatial transformer block, a temporal block ({@code time_stack.N}) runs on the tokens plus a learned
 * frame-position embedding ({@code time_pos_embed}: sinusoid of the frame index through Linear-SiLU-Linear),
 * and {@code time_mixer} blends spatial and temporal tokens before {@code proj_out}.
 *
 * <p>The temporal cross-attention sees {@code time_context}, or with {@code use_spatial_context} the
 * spatial context of each video's first frame. As in the reference, the temporal blocks always have
 * {@code ff_in} here, because the transformer passes its inner width to them.
 */
public class SpatialVideoTransformer extends SpatialTransformer {
    private final boolean useSpatialContext;
    private final boolean hasTimeContext;
    private final int channels;
    private final int maxTimeEmbedPeriod;
    private final List<VideoTransformerBlock> timeStack = new ArrayList<>();
    private final Linear timePosEmbed0;
    private final Linear timePosEmbed2;
    private final AlphaBlender timeMixer;

    public SpatialVideoTransformer(NDManager m, int channels, int heads, int dHead, int depth, Integer contextDim, boolean disableSelfAttn,
            boolean useLinear, Integer timeContextDim, boolean ffIn, boolean useSpatialContext, AlphaBlender.Strategy mergeStrategy,
            double mergeFactor, boolean disableTemporalCrossattention, int maxTimeEmbedPeriod) {
        super(m, channels, heads, dHead, depth, contextDim, disableSelfAttn, useLinear);
        int inner = heads * dHead;
        if (inner != channels) {
            // The frame-position embedding has the block's channel width and is added to inner-width tokens.
            throw new IllegalArgumentException("SpatialVideoTransformer: heads x head channels (" + inner + ") must equal the channels (" + channels + ")");
        }
        this.useSpatialContext = useSpatialContext;
        this.channels = channels;
        this.maxTimeEmbedPeriod = maxTimeEmbedPeriod;
        Integer timeCtx = useSpatialContext ? contextDim : timeContextDim;
        this.hasTimeContext = timeCtx != null;
        ModuleList ts = register("time_stack", new ModuleList(m));
        for (int d = 0; d < depth; d++) {
            timeStack.add(ts.add(d, new VideoTransformerBlock(m, inner, heads, dHead, timeCtx, ffIn, inner, disableSelfAttn, disableTemporalCrossattention)));
        }
        ModuleList pe = register("time_pos_embed", new ModuleList(m));
        timePosEmbed0 = pe.add(0, new Linear(m, channels, channels * 4, true));
        timePosEmbed2 = pe.add(2, new Linear(m, channels * 4, channels, true));
        timeMixer = register("time_mixer", new AlphaBlender(m, mergeFactor, mergeStrategy));
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        int frames = in.numVideoFrames();
        long rows = x.getShape().get(0);
        long b = Frames.videos(rows, frames, "SpatialVideoTransformer");
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray context = in.context();
        NDArray timeContext = temporalContext(context, in.timeContext(), b, frames, h * w);

        NDArray tokens = projectIn(x);
        NDArray t = TimestepEmbedding.frames(x.getManager(), b, frames, channels, maxTimeEmbedPeriod, x.getDataType());
        NDArray posEmb = timePosEmbed2.forward(Ops.silu(timePosEmbed0.forward(t))).expandDims(1);
        for (int i = 0; i < blocks.size(); i++) {
            BasicTransformerBlock block = blocks.get(i);
            tokens = block.forward(tokens, context);
            NDArray mixed = timeStack.get(i).forward(tokens.add(posEmb), timeContext, frames);
            tokens = timeMixer.blend(tokens, mixed, in.imageOnlyIndicator());
        }
        return projectOut(tokens, h, w).add(x);
    }

    /** The temporal blocks' context, one row per video and spatial position ({@code (b s) M D}), or null. */
    private NDArray temporalContext(NDArray context, NDArray timeContext, long b, int frames, long spatial) {
        NDArray perVideo;
        if (useSpatialContext && !hasTimeContext) {
            return null; // an unconditional network (no context_dim): temporal attn2 attends to the tokens themselves
        } else if (useSpatialContext) {
            if (context == null || context.getShape().dimension() != 3) {
                throw new IllegalArgumentException("SpatialVideoTransformer: use_spatial_context needs a context [frames, tokens, dim], got "
                        + (context == null ? "none" : context.getShape()));
            }
            long[] s = context.getShape().getShape();
            perVideo = context.reshape(b, frames, s[1], s[2]).get(":, 0");
        } else if (timeContext != null) {
            perVideo = timeContext.getShape().dimension() == 2 ? timeContext.expandDims(1) : timeContext;
            if (perVideo.getShape().get(0) != b) {
                throw new IllegalArgumentException("SpatialVideoTransformer: time_context has " + perVideo.getShape().get(0) + " rows for " + b + " videos");
            }
        } else {
            return null;
        }
        return perVideo.repeat(0, spatial);
    }
}
