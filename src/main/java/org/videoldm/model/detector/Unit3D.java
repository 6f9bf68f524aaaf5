package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;

/**
 * The I3D port's {@code Unit3D}: SAME-padded {@code conv3d}, then {@code bn} and ReLU, or (for the
 * logits layer) a biased convolution alone.
 */
public final class Unit3D extends Module {
    private final long[] kernel;
    private final long[] stride;
    private final Conv conv3d;
    private final BatchNorm bn;
    private final boolean relu;

    public Unit3D(NDManager m, int in, int out, long[] kernel, long[] stride, boolean batchNorm, boolean bias, boolean relu, float bnEps) {
        super(m);
        this.kernel = kernel;
        this.stride = stride;
        this.relu = relu;
        conv3d = register("conv3d", new Conv(m, in, out, kernel, stride, new long[] {0, 0, 0}, bias, false));
        bn = batchNorm ? register("bn", new BatchNorm(m, out, bnEps)) : null;
    }

    /** A ReLU unit with batch norm and no bias, as every layer but the logits. */
    static Unit3D unit(NDManager m, int in, int out, long[] kernel, long[] stride, float bnEps) {
        return new Unit3D(m, in, out, kernel, stride, true, false, true, bnEps);
    }

    public NDArray forward(NDArray x) {
        NDArray h = conv3d.forward(SamePadding.pad(x, kernel, stride));
        if (bn != null) {
            h = bn.forward(h);
        }
        return relu ? Activation.relu(h) : h;
    }
}
