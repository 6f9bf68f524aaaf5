package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.util.TorchFlags;

/**
 * Convolutions whose output channels are not a multiple of 16 (the networks' last layers: 3 RGB channels, 4 or 8
 * latent channels) give their input the same gradient with libtorch's allocations poisoned (every buffer starts as NaN)
 * as without. libtorch 2.7.1's oneDNN kernel for that gradient reads memory it did not write on some AVX-512 CPUs
 * (AMD EPYC Zen 5): there, without {@link Conv}'s channel padding, every case below comes out NaN.
 */
class ConvBackwardPoisonTest {
    record Case(int in, int out, int k, int stride, Shape input) {}

    static final List<Case> CASES = List.of(
            new Case(32, 4, 3, 1, new Shape(4, 32, 8, 16)),
            new Case(32, 8, 3, 1, new Shape(2, 32, 16, 32)),
            new Case(128, 3, 3, 1, new Shape(2, 128, 32, 64)),
            new Case(128, 8, 3, 1, new Shape(2, 128, 16, 32)),
            new Case(32, 24, 3, 1, new Shape(8, 32, 8, 16)),
            new Case(64, 4, 3, 2, new Shape(4, 64, 16, 32)),
            new Case(8, 8, 3, 1, new Shape(4, 8, 16, 32)),
            new Case(64, 8, 1, 1, new Shape(4, 64, 8, 16)));

    /** The input gradient of mean(conv(x)^2) for each case, with allocations poisoned or not. */
    static List<float[]> gradients(boolean poisoned) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Case c : CASES) {
                Engine.getInstance().setRandomSeed(7);
                Conv conv = Conv.conv2d(m, c.in(), c.out(), c.k(), c.stride(), c.k() / 2);
                conv.setTrainable(k -> true);
                NDArray x = m.randomNormal(c.input());
                x.setRequiresGradient(true);
                TorchFlags.poisonAllocations(poisoned);
                try (NDManager sm = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = conv.forward(x);
                    gc.backward(y.square().mean());
                    out.add(x.getGradient().toFloatArray());
                } finally {
                    TorchFlags.poisonAllocations(false);
                }
            }
        }
        return out;
    }

    @Test
    void inputGradientIsTheSameWithPoisonedAllocations() {
        List<float[]> plain = gradients(false);
        List<float[]> poisoned = gradients(true);
        for (int i = 0; i < CASES.size(); i++) {
            float[] g = poisoned.get(i);
            boolean finite = true;
            for (float v : g) {
                finite &= Float.isFinite(v);
            }
            assertTrue(finite, CASES.get(i) + ": the input gradient has NaN or Inf with poisoned allocations");
            assertArrayEquals(plain.get(i), g, 0f, CASES.get(i) + ": the input gradient depends on what unwritten memory held");
        }
    }

    @Test
    void paddedChannelsLeaveValuesAndGradientsAsTheyWere() {
        // the guard's conv (16 output channels, 4 kept) against the engine's conv with the 4 channels alone
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Conv conv = Conv.conv2d(m, 32, 4, 3);
            NDArray w = conv.stateDict().get("weight");
            NDArray b = conv.stateDict().get("bias");
            NDArray x = m.randomNormal(new Shape(2, 32, 8, 16));
            NDArray reference = x.getNDArrayInternal().convolution(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray guarded = conv.forward(x);
                assertArrayEquals(reference.toFloatArray(), guarded.toFloatArray(), 1e-6f);
            }
        }
    }
}
