package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.videoldm.nn.Module;

/** torch's {@code nn.Embedding}: a {@code weight [num, dim]} table looked up by integer ids. */
public final class Embedding extends Module {
    private final NDArray weight;

    public Embedding(NDManager m, int num, int dim) {
        super(m);
        weight = param("weight", m.randomNormal(0f, 1f, new Shape(num, dim), ai.djl.ndarray.types.DataType.FLOAT32));
    }

    /** ids of any shape (integer) give rows of shape ids.shape + [dim]. */
    public NDArray forward(NDArray ids) {
        return weight.get(ids);
    }

    public NDArray weight() {
        return weight;
    }
}
