package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.model.autoencoder.ResnetBlock;
import org.videoldm.nn.ResBlock;

/**
 * The temporal autoencoder's residual block ({@code VideoResBlock} of sgm's temporal_ae): the decoder's
 * ResnetBlock on each frame, then {@code time_stack}, a 3D ResBlock without timestep embedding. The
 * {@code mix_factor} sits on the block itself, and the blend is the opposite of the UNet's:
 * {@code alpha * temporal + (1 - alpha) * spatial}.
 */
public class AEVideoResBlock extends ResnetBlock {
    private final ResBlock timeStack;
    private final AlphaBlender mixer;

    public AEVideoResBlock(NDManager m, int in, int out, long[] videoKernel, double alpha, AlphaBlender.Strategy mergeStrategy) {
        super(m, in, out);
        if (mergeStrategy == AlphaBlender.Strategy.LEARNED_WITH_IMAGES) {
            throw new IllegalArgumentException("temporal autoencoder: merge_strategy must be fixed or learned, got learned_with_images");
        }
        timeStack = register("time_stack", new ResBlock(m, out, 0, out, false, false, ResBlock.Resample.NONE, videoKernel, false, true));
        NDArray init = m.create(new float[] {(float) alpha});
        mixer = AlphaBlender.over(mergeStrategy == AlphaBlender.Strategy.FIXED ? buffer("mix_factor", init) : param("mix_factor", init), mergeStrategy);
    }

    /** x [(b t), C, H, W] with {@code timesteps} frames per video. */
    @Override
    public NDArray forward(NDArray x, int timesteps) {
        NDArray spatial = super.forward(x, timesteps);
        NDArray temporal = Frames.toFrames(timeStack.forward(Frames.toVideo(spatial, timesteps), (NDArray) null));
        // Reversed convention: here alpha weighs the temporal branch.
        return mixer.blend(temporal, spatial, null);
    }
}
