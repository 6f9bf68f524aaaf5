package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** torch's {@code nn.Linear}: {@code weight [out, in]}, optional {@code bias [out]}, applied to the last axis. */
public class Linear extends Module {
    private final NDArray weight;
    private final NDArray bias;

    public Linear(NDManager m, int in, int out, boolean withBias) {
        this(m, in, out, withBias, false);
    }

    public Linear(NDManager m, int in, int out, boolean withBias, boolean zeroInit) {
        super(m);
        weight = param("weight", zeroInit ? Init.zeros(m, new Shape(out, in)) : Init.uniformFanIn(m, new Shape(out, in), in));
        bias = withBias ? param("bias", zeroInit ? Init.zeros(m, new Shape(out)) : Init.uniformFanIn(m, new Shape(out), in)) : null;
    }

    public NDArray forward(NDArray x) {
        if (FlopCounter.counting()) {
            FlopCounter.linear(2 * weight.getShape().get(0) * x.getShape().size());
        }
        return NativeOps.linear(x, weight, bias);
    }

    public NDArray weight() {
        return weight;
    }

    @Override
    protected NDList forwardList(NDList inputs, boolean training) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
