package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.videoldm.util.TorchFlags;

/**
 * libtorch's one-operator linear and SiLU, called through the foreign-function API, against DJL's multi-operator forms:
 * the same values and gradients (to rounding), results owned by the input's manager, nothing left behind in a loop.
 */
class NativeOpsTest {
    @Test
    void theTestJvmUsesTheNativeForms() {
        TorchFlags.init();
        assertTrue(NativeOps.enabled(), "the tests start the JVM with the foreign-function flags: " + TorchFlags.status());
    }

    /** Gradients of sum(silu(linear(x))) with respect to x, weight and bias, computed with {@code op}. */
    private static NDArray[] gradients(NDManager m, boolean withBias, BiFunction<NDArray[], Boolean, NDArray> op) {
        Engine.getInstance().setRandomSeed(3);
        NDArray x = m.randomNormal(new Shape(2, 5, 7));
        NDArray w = m.randomNormal(new Shape(3, 7));
        NDArray b = m.randomNormal(new Shape(3));
        NDArray[] in = {x, w, b};
        for (NDArray a : in) {
            a.setRequiresGradient(true);
        }
        NDArray y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y = op.apply(in, withBias);
            gc.backward(y.sum());
        }
        return new NDArray[] {y.duplicate(), x.getGradient().duplicate(), w.getGradient().duplicate(), withBias ? b.getGradient().duplicate() : null};
    }

    @Test
    void linearAndSiluAgreeWithDjlsFormsInValueAndGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean bias : new boolean[] {true, false}) {
                NDArray[] nat = gradients(m, bias, (in, wb) -> NativeOps.silu(NativeOps.linear(in[0], in[1], wb ? in[2] : null)));
                NDArray[] djl = gradients(m, bias, (in, wb) -> {
                    NDArray z = wb ? ai.djl.nn.core.Linear.linear(in[0], in[1], in[2]).singletonOrThrow()
                            : ai.djl.nn.core.Linear.linear(in[0], in[1]).singletonOrThrow();
                    return z.mul(Activation.sigmoid(z));
                });
                assertEquals(new Shape(2, 5, 3), nat[0].getShape());
                String[] names = {"output", "dx", "dweight", "dbias"};
                for (int i = 0; i < names.length; i++) {
                    if (nat[i] == null) {
                        continue;
                    }
                    float scale = djl[i].abs().max().getFloat();
                    float diff = nat[i].sub(djl[i]).abs().max().getFloat();
                    assertTrue(scale > 0.1f && diff <= 1e-5f * scale, names[i] + (bias ? "" : " without bias") + ": differs by " + diff + " of " + scale);
                }
            }
        }
    }

    @Test
    void resultsBelongToTheInputsManagerAndALoopLeavesNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(4, 6));
            NDArray b = m.randomNormal(new Shape(4));
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 200; i++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(3, 6));
                    NDArray y = NativeOps.silu(NativeOps.linear(x, w, b));
                    assertEquals(step, y.getManager());
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the parameters' manager");
        }
    }

    @Test
    void mixedTypesAndWrongShapesGiveJavaExceptionsNotACrash() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(4, 3));
            // libtorch refuses the mix; through DJL that is a Java exception (across the foreign call it would end the JVM)
            org.junit.jupiter.api.Assertions.assertThrows(ai.djl.engine.EngineException.class, () -> NativeOps.linear(x, w, null));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> NativeOps.linear(m.randomNormal(new Shape(2, 5)), w, null));
            assertTrue(e.getMessage().contains("(2, 5)") && e.getMessage().contains("(4, 3)"), e.getMessage());
        }
    }
}
