package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The UNet's upsampling: nearest 2x, then an optional 3x3 convolution {@code conv}. */
public class Upsample extends Module implements TimestepBlock {
    private final Conv conv;

    public Upsample(NDManager m, int channels, boolean useConv, Integer outChannels) {
        super(m);
        int out = outChannels == null ? channels : outChannels;
        conv = useConv ? register("conv", Conv.conv2d(m, channels, out, 3)) : null;
    }

    public NDArray forward(NDArray x) {
        NDArray h = Ops.upsampleNearest2x(x);
        return conv == null ? h : conv.forward(h);
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return forward(x);
    }
}
