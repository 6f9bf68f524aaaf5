package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Conv;

/**
 * The temporal autoencoder's output convolution ({@code AE3DConv} of sgm's temporal_ae): the decoder's 3x3
 * {@code conv_out} on each frame, then {@code time_mix_conv}, a 3D convolution over {@code b c t h w} with
 * the video kernel and "same" padding.
 */
public class AE3DConv extends Conv {
    private final Conv timeMixConv;

    public AE3DConv(NDManager m, int in, int out, long[] videoKernel) {
        super(m, in, out, new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, true, false);
        timeMixConv = register("time_mix_conv", Conv.conv3d(m, out, out, videoKernel, false));
    }

    public NDArray forward(NDArray x, int timesteps) {
        return Frames.toFrames(timeMixConv.forward(Frames.toVideo(forward(x), timesteps)));
    }
}
