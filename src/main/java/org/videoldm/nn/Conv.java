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
        NDArray out = temporalOnly()
                ? temporalAs2d(x)
                : convolve(x, weight, bias, stride, padding, dil);
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

    /** A 3D kernel [kt, 1, 1] with unit strides: it mixes frames only (the temporal convolutions of the paper). */
    private boolean temporalOnly() {
        long[] k = weight.getShape().getShape();
        return k.length == 5 && k[3] == 1 && k[4] == 1 && padding[1] == 0 && padding[2] == 0
                && stride[0] == 1 && stride[1] == 1 && stride[2] == 1;
    }

    /**
     * The same convolution as a 2D one with kernel [kt, 1] over [b, c, t, h*w]: equal results, and the
     * engine's 2D path is about twice as fast on CPU as its 3D one.
     */
    private NDArray temporalAs2d(NDArray x) {
        long[] s = x.getShape().getShape();
        long[] k = weight.getShape().getShape();
        NDArray x2 = x.reshape(s[0], s[1], s[2], s[3] * s[4]);
        NDArray w2 = weight.reshape(k[0], k[1], k[2], 1);
        w2.attach(x.getManager()); // a view made per call: freed with the call's scope, not kept with the parameters
        NDArray y = convolve(x2, w2, bias, new long[] {1, 1}, new long[] {padding[0], 0}, new long[] {1, 1});
        long[] ys = y.getShape().getShape();
        return y.reshape(ys[0], ys[1], ys[2], s[3], s[4]);
    }

    /**
     * The engine's convolution, with one guard: libtorch 2.7.1's oneDNN backward pass for the input gradient reads
     * uninitialised memory when the output channels are not a multiple of its 16-channel blocks (seen on AMD EPYC
     * Zen 5 with AVX-512: with allocations poisoned, a 3x3 Conv2d 32 -> 4 gives a NaN input gradient every time; without
     * poisoning, whatever a freed buffer held, now and then a NaN). Such a convolution, while autograd records (a
     * backward pass may follow), runs with zero output channels appended up to the next multiple of {@link #CHANNEL_BLOCK} and keeps
     * the real ones: the same values, and a backward pass that reads only memory it wrote. (Switching oneDNN off also
     * avoids it, but makes the other convolutions several times slower.)
     */
    static NDArray convolve(NDArray x, NDArray w, NDArray b, long[] stride, long[] padding, long[] dil) {
        long out = w.getShape().get(0);
        long padded = (out + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
        // Grad mode, not the input's own flag: DJL reports requires_grad only for leaves, not for the activations in between.
        if (padded == out || !ai.djl.pytorch.jni.JniUtils.isGradMode()) {
            return x.getNDArrayInternal().convolution(x, w, b, new Shape(stride), new Shape(padding), new Shape(dil), 1).singletonOrThrow();
        }
        NDManager sm = x.getManager();
        long[] extra = w.getShape().getShape().clone();
        extra[0] = padded - out;
        NDArray wp = Ops.cat(0, w, sm.zeros(new Shape(extra), w.getDataType()));
        NDArray bp = b == null ? null : Ops.cat(0, b, sm.zeros(new Shape(padded - out), b.getDataType()));
        // the concatenations belong to the parameters' manager (the first operand's); free them with the call's scope
        wp.attach(sm);
        if (bp != null) {
            bp.attach(sm);
        }
        NDArray y = x.getNDArrayInternal().convolution(x, wp, bp, new Shape(stride), new Shape(padding), new Shape(dil), 1).singletonOrThrow();
        return y.get(new ai.djl.ndarray.index.NDIndex().addAllDim().addSliceDim(0, out));
    }

    /** oneDNN's channel block with AVX-512 (8 with AVX2, which this also covers). */
    static final long CHANNEL_BLOCK = 16;

    public int outChannels() {
        return (int) weight.getShape().get(0);
    }

    @Override
    protected NDList forwardList(NDList inputs, boolean training) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
