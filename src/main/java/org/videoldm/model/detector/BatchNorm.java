package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.videoldm.nn.Init;
import org.videoldm.nn.Module;

/**
 * torch's {@code BatchNorm2d/3d} in evaluation mode: running statistics, affine weight and bias. The
 * detectors here only ever run frozen, so there is no training branch. Running statistics are stored
 * as parameters so they load by their state-dict names ({@code running_mean}, {@code running_var}).
 */
public final class BatchNorm extends Module {
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final float eps;

    public BatchNorm(NDManager m, int channels, float eps) {
        super(m);
        this.eps = eps;
        weight = param("weight", Init.ones(m, new Shape(channels)));
        bias = param("bias", Init.zeros(m, new Shape(channels)));
        runningMean = param("running_mean", Init.zeros(m, new Shape(channels)));
        runningVar = param("running_var", Init.ones(m, new Shape(channels)));
    }

    /** x [N, C, ...]. */
    public NDArray forward(NDArray x) {
        long c = weight.getShape().get(0);
        long[] bshape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[1] = c;
        NDArray scale = weight.div(runningVar.add(eps).sqrt());
        NDArray shift = bias.sub(runningMean.mul(scale));
        return x.mul(scale.reshape(bshape)).add(shift.reshape(bshape));
    }
}
