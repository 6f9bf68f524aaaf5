package org.videoldm.model.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.videoldm.io.StateDict;
import org.videoldm.metrics.Preprocess;
import org.videoldm.model.Lpips;

/**
 * The detectors' building blocks against values worked out by hand on tiny inputs: golden outputs of I3D, Inception-v3
 * or LPIPS from the reference code cannot be had here, so what can be checked without them is checked exactly.
 */
class DetectorReferenceTest {
    static void set(org.videoldm.nn.Module m, String key, NDArray v) {
        StateDict.assign(m.stateDict().get(key), v);
    }

    @Test
    void unit3dIsSamePaddedConvolutionBatchNormAndRelu() {
        try (NDManager m = NDManager.newBaseManager()) {
            Unit3D u = Unit3D.unit(m, 1, 1, new long[] {1, 3, 3}, new long[] {1, 1, 1}, 1e-3f);
            set(u, "conv3d.weight", m.ones(new Shape(1, 1, 1, 3, 3)));
            set(u, "bn.weight", m.create(new float[] {2f}));
            set(u, "bn.bias", m.create(new float[] {-1f}));
            set(u, "bn.running_mean", m.create(new float[] {3f}));
            set(u, "bn.running_var", m.create(new float[] {4f}));
            // a 1 x 3 x 3 clip of ones: the 3x3 box sums 9 in the centre, 6 on edges, 4 in corners (zero SAME padding)
            NDArray y = u.forward(m.ones(new Shape(1, 1, 1, 3, 3)));
            float k = (float) (2 / Math.sqrt(4 + 1e-3));
            float[] expected = new float[9];
            int[][] sums = {{4, 6, 4}, {6, 9, 6}, {4, 6, 4}};
            for (int i = 0; i < 9; i++) {
                expected[i] = Math.max(0f, (sums[i / 3][i % 3] - 3f) * k - 1f);
            }
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aTimeKernelOfOneIsTheSame2dConvolutionOnEveryFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            Unit3D u3 = Unit3D.unit(m, 2, 3, new long[] {1, 3, 3}, new long[] {1, 2, 2}, 1e-3f);
            BasicConv2d u2 = new BasicConv2d(m, 2, 3, 3, 3, 2, 1, 1);
            NDArray w = m.randomNormal(new Shape(3, 2, 1, 3, 3));
            set(u3, "conv3d.weight", w);
            set(u2, "conv.weight", w.squeeze(2));
            for (String p : new String[] {"weight", "bias", "running_mean", "running_var"}) {
                NDArray v = m.randomUniform(0.5f, 1.5f, new Shape(3));
                set(u3, "bn." + p, v);
                set(u2, "bn." + p, v);
            }
            // 4 frames of 7 x 7: TF SAME padding with stride 2 pads 1 on each side, as the 2D unit's explicit padding 1 does
            NDArray clip = m.randomNormal(new Shape(1, 2, 4, 7, 7));
            NDArray y3 = u3.forward(clip);
            for (int t = 0; t < 4; t++) {
                NDArray frame = clip.get(":, :, " + t).squeeze(2);
                assertArrayEquals(u2.forward(frame).toFloatArray(), y3.get(":, :, " + t).toFloatArray(), 1e-5f, "frame " + t);
            }
        }
    }

    @Test
    void i3dPreprocessingOfKnownImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            // uint8 255 -> 1, 0 -> -1, 127.5 would be 0; a constant image stays constant through the bilinear resize
            byte[] white = new byte[2 * 4 * 4 * 3];
            java.util.Arrays.fill(white, (byte) 255);
            NDArray clips = m.create(java.nio.ByteBuffer.wrap(white), new Shape(1, 2, 4, 4, 3), DataType.UINT8);
            NDArray x = Preprocess.i3dInput(clips, 8);
            assertEquals(new Shape(1, 3, 2, 8, 8), x.getShape());
            assertEquals(1f, x.min().getFloat(), 1e-6f);
            assertEquals(1f, x.max().getFloat(), 1e-6f);
            // a horizontal ramp 0, 85, 170, 255 upsampled to 8: half-pixel centres give 0,0,21.25,63.75,... (torch's values)
            NDArray r = Preprocess.bilinear(m.create(new float[] {0, 85, 170, 255}, new Shape(1, 1, 1, 4)), 1, 8);
            assertArrayEquals(new float[] {0f, 21.25f, 63.75f, 106.25f, 148.75f, 191.25f, 233.75f, 255f}, r.toFloatArray(), 1e-3f);
        }
    }

    @Test
    void lpipsNormalisesChannelsThenAveragesWeightedSquaredDifferences() {
        // LPIPS per layer: unit-normalise each pixel's channel vector, square the difference, weight channels by lin, average
        // over space. Hand value: features a = (3, 4) and b = (0, 1) at one pixel, lin weights (1, 2):
        // a/|a| = (0.6, 0.8), b/|b| = (0, 1), squared differences (0.36, 0.04), weighted 0.36 + 0.08 = 0.44.
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3, 4}, new Shape(1, 2, 1, 1));
            NDArray b = m.create(new float[] {0, 1}, new Shape(1, 2, 1, 1));
            NDArray w = m.create(new float[] {1, 2}, new Shape(1, 2, 1, 1));
            NDArray d = Lpips.layerDistance(a, b, x -> x.mul(w).sum(new int[] {1}, true));
            assertEquals(0.44f, d.getFloat(0), 1e-6f);
        }
    }
}
