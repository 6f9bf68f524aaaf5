package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * GroupNorm with affine weight/bias per channel, as torch's {@code nn.GroupNorm}: 32 groups, eps 1e-5
 * in the UNet ({@code GroupNorm32}) and 1e-6 in the autoencoder ({@code Normalize}). DJL has no
 * group-norm op, so the input is viewed as [N, G, rest] and normalised with the engine's fused
 * layer-norm over the last axis; the per-channel scale and shift is one inference-mode batch-norm with
 * mean 0, variance 1 and eps 0, i.e. {@code x * weight + bias} in one op (four ops in all, instead of
 * reshapes of the parameters, a multiply and an add). Works for 4D and 5D inputs.
 */
public class GroupNorm extends Module {
    private final int groups;
    private final float eps;
    private final NDArray weight;
    private final NDArray bias;

    public GroupNorm(NDManager m, int groups, int channels, float eps) {
        super(m);
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels are not divisible into " + groups + " groups");
        }
        this.groups = groups;
        this.eps = eps;
        weight = param("weight", Init.ones(m, new Shape(channels)));
        bias = param("bias", Init.zeros(m, new Shape(channels)));
    }

    /** sgm's {@code normalization(channels)} (GroupNorm32) used by the UNet's ResBlocks: eps 1e-5. */
    public static GroupNorm normalization(NDManager m, int channels) {
        return new GroupNorm(m, 32, channels, 1e-5f);
    }

    /** sgm's {@code Normalize(channels)} used by the autoencoder and the transformers: 32 groups, eps 1e-6. */
    public static GroupNorm normalize(NDManager m, int channels) {
        return new GroupNorm(m, 32, channels, 1e-6f);
    }

    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        NDArray grouped = x.reshape(n, groups, -1);
        long rest = grouped.getShape().get(2);
        DataType type = x.getDataType();
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(rest), Constants.filled(1f, rest, type), Constants.filled(0f, rest, type), eps)
                .singletonOrThrow().reshape(shape);
        // inference-mode batch-norm: (x - 0) / sqrt(1 + 0) * weight + bias; its running statistics are only read
        return JniUtils.batchNorm((PtNDArray) normed, (PtNDArray) Constants.filled(0f, c, type), (PtNDArray) Constants.filled(1f, c, type),
                (PtNDArray) weight, (PtNDArray) bias, false, 0.0, 0.0);
    }

    @Override
    protected NDList forwardList(NDList inputs, boolean training) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
