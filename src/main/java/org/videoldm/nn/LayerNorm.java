package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** torch's {@code nn.LayerNorm(dim)} over the last axis (eps 1e-5 unless given). */
public class LayerNorm extends Module {
    private final NDArray weight;
    private final NDArray bias;
    private final float eps;

    public LayerNorm(NDManager m, int dim) {
        this(m, dim, 1e-5f);
    }

    public LayerNorm(NDManager m, int dim, float eps) {
        super(m);
        this.eps = eps;
        weight = param("weight", Init.ones(m, new Shape(dim)));
        bias = param("bias", Init.zeros(m, new Shape(dim)));
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, weight.getShape(), weight, bias, eps).singletonOrThrow();
    }

    @Override
    protected NDList forwardList(NDList inputs, boolean training) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }
}
