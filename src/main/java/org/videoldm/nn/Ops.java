package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;

/** Small tensor operations the networks share. */
public final class Ops {
    private Ops() {}

    /**
     * {@code x * c} for a constant c. Use it instead of {@code x.mul(float)}: DJL's PyTorch engine multiplies by a
     * temporary scalar tensor that lives in a Java direct buffer and closes it at once; where autograd saved it for
     * the backward pass, the garbage collector may free that memory first and the gradient reads garbage. This
     * constant lives in engine memory. {@code NoJavaScalarOperandsTest} keeps the number overloads of mul, div, pow,
     * maximum and minimum out of the library.
     */
    public static NDArray scale(NDArray x, float c) {
        NDArray k = constant(x, c);
        return releaseUnlessSaved(x, k, x.mul(k));
    }

    /**
     * Closes the constant {@code k} right away when no backward pass can need it (autograd is off or {@code x} takes
     * no gradient), so loops outside a per-step scope do not collect one constant per call.
     */
    private static NDArray releaseUnlessSaved(NDArray x, NDArray k, NDArray result) {
        if (!(JniUtils.isGradMode() && x.hasGradient())) {
            k.close();
        }
        return result;
    }

    /** {@code x / c} for a constant c, with the constant in engine memory (see {@link #scale}). */
    public static NDArray divide(NDArray x, float c) {
        NDArray k = constant(x, c);
        return releaseUnlessSaved(x, k, x.div(k));
    }

    /** {@code x ^ c} for a constant c, with the constant in engine memory (see {@link #scale}). */
    public static NDArray power(NDArray x, float c) {
        NDArray k = constant(x, c);
        return releaseUnlessSaved(x, k, x.pow(k));
    }

    /**
     * {@code x *= c} in place, with the constant in engine memory (see {@link #scale}). The constant is released at
     * once: nothing records an in-place update for a backward pass, and parameters' and optimizer state's managers
     * would otherwise collect one constant per step.
     */
    public static NDArray scaleInPlace(NDArray x, float c) {
        try (NDArray k = constant(x, c)) {
            return x.muli(k);
        }
    }

    /** A 0-dim constant in engine-owned memory with {@code like}'s dtype and manager (see {@link #scale}). */
    public static NDArray constant(NDArray like, float c) {
        return like.getManager().full(new Shape(), c, like.getDataType());
    }

    /**
     * SiLU (swish with beta 1): {@code x * sigmoid(x)}, libtorch's one operator through {@link NativeOps} (DJL has no
     * fused SiLU, and its {@code Activation.swish} multiplies by a Java-buffer scalar, see {@link #scale}).
     */
    public static NDArray silu(NDArray x) {
        return NativeOps.silu(x);
    }

    /** GELU, exact erf form (torch's default). */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** Nearest-neighbour upsampling by 2 in the last two axes (torch interpolate, mode "nearest"). */
    public static NDArray upsampleNearest2x(NDArray x) {
        long[] s = x.getShape().getShape();
        int d = s.length;
        long[] size = new long[d - 2];
        for (int i = 2; i < d; i++) {
            size[i - 2] = (i >= d - 2) ? s[i] * 2 : s[i];
        }
        return x.getNDArrayInternal().interpolation(size, 0, false);
    }

    /** Scaled dot-product attention over [..., N, D] queries and [..., M, D] keys/values, scale 1/sqrt(D). */
    public static NDArray attention(NDArray q, NDArray k, NDArray v) {
        return attentionTransposedKeys(q, k.swapAxes(-1, -2), v);
    }

    /**
     * {@link #attention} given the keys as [..., D, M], for callers that can lay them out so in one view instead of
     * transposing twice.
     */
    public static NDArray attentionTransposedKeys(NDArray q, NDArray kT, NDArray v) {
        long d = q.getShape().get(q.getShape().dimension() - 1);
        if (FlopCounter.counting()) {
            // q [..., N, d] and kT [..., d, M]: 2*N*M*d for the scores and 2*N*M*d for the weighted sum of v.
            FlopCounter.attention(4 * q.getShape().size() * kT.getShape().get(kT.getShape().dimension() - 1));
        }
        // the scale is a shared constant (one per head width and dtype), not a new array per call
        NDArray scores = q.mul(Constants.scalar((float) (1.0 / Math.sqrt(d)), q.getDataType())).matMul(kT);
        return scores.softmax(-1).matMul(v);
    }

    /**
     * torch's {@code pixel_unshuffle}: [N, C, H, W] to [N, C r^2, H / r, W / r], output channel {@code c r^2 + i r + j}
     * holding pixel (i, j) of each r x r block. Nothing is lost, unlike averaging down to the smaller grid.
     */
    public static NDArray spaceToDepth(NDArray x, int r) {
        long[] s = x.getShape().getShape();
        if (s.length != 4 || s[2] % r != 0 || s[3] % r != 0) {
            throw new IllegalArgumentException("space-to-depth by " + r + " needs [N, C, H, W] with H and W divisible by it, got " + x.getShape());
        }
        return x.reshape(s[0], s[1], s[2] / r, r, s[3] / r, r).transpose(0, 1, 3, 5, 2, 4).reshape(s[0], s[1] * r * r, s[2] / r, s[3] / r);
    }

    public static NDArray cat(int axis, NDArray... xs) {
        return NDArrays.concat(new NDList(xs), axis);
    }

    /** [N, C, H, W] -> [N, H*W, C]. */
    public static NDArray toTokens(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], s[2] * s[3]).swapAxes(1, 2);
    }

    /** [N, H*W, C] -> [N, C, H, W]. */
    public static NDArray fromTokens(NDArray x, long h, long w) {
        long[] s = x.getShape().getShape();
        return x.swapAxes(1, 2).reshape(s[0], s[2], h, w);
    }
}
