package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The UNet's downsampling: a stride-2 3x3 convolution {@code op}, or 2x2 average pooling when conv_resample is off. */
public class Downsample extends Module implements TimestepBlock {
    private final Conv op;

    public Downsample(NDManager m, int channels, boolean useConv, Integer outChannels) {
        super(m);
        int out = outChannels == null ? channels : outChannels;
        if (useConv) {
            op = register("op", Conv.conv2d(m, channels, out, 3, 2, 1));
        } else {
            if (out != channels) {
                throw new IllegalArgumentException("Downsample without conv cannot change channels (" + channels + " -> " + out + ")");
            }
            op = null;
        }
    }

    public static NDArray avgPool2x(NDArray x) {
        return x.getNDArrayInternal().avgPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    public NDArray forward(NDArray x) {
        return op == null ? avgPool2x(x) : op.forward(x);
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return forward(x);
    }
}
