package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Initial values as PyTorch gives them to freshly built layers, so a model trained from scratch here
 * starts where the reference would: weights and biases uniform in +-1/sqrt(fan_in) (kaiming_uniform
 * with a = sqrt(5)), norms at weight 1 / bias 0, and zeros for the layers the reference wraps in
 * {@code zero_module}. Draws use the engine's generator, so {@code Engine.setRandomSeed} fixes them.
 */
public final class Init {
    private Init() {}

    public static NDArray uniformFanIn(NDManager m, Shape shape, long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(Math.max(fanIn, 1)));
        return m.randomUniform(-bound, bound, shape);
    }

    public static NDArray zeros(NDManager m, Shape shape) {
        return m.zeros(shape);
    }

    public static NDArray ones(NDManager m, Shape shape) {
        return m.ones(shape);
    }
}
