package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A 2D or 3D convolution with torch's parameter layout ({@code weight [out, in, *kernel]}, {@code bias [out]}).
 * The kernel's rank chooses the dimension: [kh, kw] for {@code Conv2d}, [kt, kh, kw] for {@code Conv3d}.
 */
public class Conv extends Module implements TimestepBlock {
    private final long[] stride;
    private final long[] padding;
    private NDArray weight;
    private NDArray bias;

    public Conv(NDManager m, int in, int out, long[] kernel, long[] stride, long[] padding, boolean withBias, boolean zeroInit) {
        super(m);
        this.stride = stride;
        this.padding = padding;
        long[] wshape = new long[2 + kernel.length];
        wshape[0] = out;
        wshape[1] = in;
        long fanIn = in;
        for (int i = 0; i < kernel.length; i++) {
            wshape[2 + i] = kernel[i];
            fanIn *= kernel[i];
        }
        weight = param("weight", zeroInit ? Init.zeros(m, new Shape(wshape)) : Init.uniformFanIn(m, new Shape(wshape), fanIn));
        if (withBias) {
            bias = param("bias", zeroInit ? Init.zeros(m, new Shape(out)) : Init.uniformFanIn(m, new Shape(out), fanIn));
        }
    }

    /** {@code Conv2d(in, out, k, padding=k//2)}: the "same" 3x3 or 1x1 convolution of the reference. */
    public static Conv conv2d(NDManager m, int in, int out, int k) {
        return new Conv(m, in, out, new long[] {k, k}, new long[] {1, 1}, new long[] {k / 2, k / 2}, true, false);
    }

    public static Conv conv2d(NDManager m, int in, int out, int k, int stride, int pad) {
        return new Conv(m, in, out, new long[] {k, k}, new long[] {stride, stride}, new long[] {pad, pad}, true, false);
    }

    /** A 2D convolution starting at zero (the reference's {@code zero_module}). */
    public static Conv conv2dZero(NDManager m, int in, int out, int k) {
        return new Conv(m, in, out, new long[] {k, k}, new long[] {1, 1}, new long[] {k / 2, k / 2}, true, true);
    }

    /** {@code Conv3d(in, out, kernel, padding=kernel//2)}. */
    public static Conv conv3d(NDManager m, int in, int out, long[] kernel, boolean zeroInit) {
        long[] pad = new long[3];
        for (int i = 0; i < 3; i++) {
            pad[i] = kernel[i] / 2;
        }
        return new Conv(m, in, out, kernel, new long[] {1, 1, 1}, pad, true, zeroInit);
    }

    public NDArray forward(NDArray x) {
        int dims = stride.length;
        long[] dil = new long[dims];
        java.util.Arrays.fill(dil, 1);
        NDArray out = x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride), new Shape(padding), new Shape(dil), 1).singletonOrThrow();
        if (FlopCounter.counting()) {
            // 2 * Cin * prod(kernel) per output element, for every output element (batch x Cout x output size).
            FlopCounter.conv(2 * (weight.getShape().size() / weight.getShape().get(0)) * out.getShape().size());
        }
        return out;
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return forward(x);
    }

    public int outChannels() {
        return (int) weight.getShape().get(0);
    }

    @Override
    protected NDList forwardList(NDList inputs, boolean training) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
