package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A parameter-free placeholder that keeps the reference's numbering where it uses {@code nn.Identity()}. */
public class Identity extends Module implements TimestepBlock {
    public Identity(NDManager m) {
        super(m);
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return x;
    }
}
