package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPMLP}: fc1, activation, fc2. */
public final class CLIPMLP extends Module {
    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> act;

    public CLIPMLP(NDManager m, int dim, int hidden, String activation) {
        super(m);
        act = CLIPActivation.of(activation);
        fc1 = register("fc1", new Linear(m, dim, hidden, true));
        fc2 = register("fc2", new Linear(m, hidden, dim, true));
    }

    public NDArray forward(NDArray x) {
        return fc2.forward(act.apply(fc1.forward(x)));
    }
}
