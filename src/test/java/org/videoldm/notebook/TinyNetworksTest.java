package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.videoldm.model.UNetModel;

class TinyNetworksTest {
    @Test
    void theSameSeedGivesTheSameNetworkWhoseOutputDependsOnItsInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel a = TinyNetworks.imageUNet(m, 3);
            UNetModel b = TinyNetworks.imageUNet(m, 3);
            NDArray x = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray t = m.create(new float[] {0.1f, -0.3f});
            NDArray ya = a.forward(x, t, null, null);
            assertEquals(new Shape(2, 4, 8, 8), ya.getShape());
            assertArrayEquals(ya.toFloatArray(), b.forward(x, t, null, null).toFloatArray(), 0f);
            // The reference zero-initialises the output conv, so an untouched UNet would output zeros whatever its input.
            assertTrue(ya.abs().max().getFloat() > 1e-2f);
            NDArray other = a.forward(x.neg(), t, null, null);
            assertTrue(other.sub(ya).abs().max().getFloat() > 1e-2f);
        }
    }

    @Test
    void onlyTheChosenParametersAreDrawn() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel u = TinyNetworks.imageUNet(m, 1);
            float[] out = u.stateDict().get("out.2.weight").toFloatArray();
            float[] in = u.stateDict().get("input_blocks.0.0.weight").toFloatArray();
            TinyNetworks.randomise(u, k -> k.startsWith("out."), 2);
            assertArrayEquals(in, u.stateDict().get("input_blocks.0.0.weight").toFloatArray(), 0f);
            float[] redrawn = u.stateDict().get("out.2.weight").toFloatArray();
            assertEquals(out.length, redrawn.length);
            assertTrue(Math.abs(out[0] - redrawn[0]) > 0 || Math.abs(out[1] - redrawn[1]) > 0);
            // Kernels are drawn with variance 1 / fan_in: out.2 is a 3x3 conv from 32 channels.
            double var = 0;
            for (float v : redrawn) {
                var += v * v / redrawn.length;
            }
            assertEquals(1.0 / (32 * 9), var, 0.25 / (32 * 9));
        }
    }

    @Test
    void theTextUNetsOutputDependsOnItsContext() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel u = TinyNetworks.textImageUNet(m, 2, 16);
            assertEquals(16, u.config().context_dim());
            NDArray x = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray t = m.create(new float[] {0.1f, -0.3f});
            NDArray c = m.randomNormal(new Shape(2, 5, 16));
            NDArray y = u.forward(x, t, c, null);
            assertEquals(new Shape(2, 4, 8, 8), y.getShape());
            assertTrue(u.forward(x, t, c.neg(), null).sub(y).abs().max().getFloat() > 1e-3f, "another context, another output");
        }
    }
}
