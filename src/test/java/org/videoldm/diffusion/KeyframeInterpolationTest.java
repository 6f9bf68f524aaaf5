package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * A stand-in interpolation model that fills each frame linearly between the nearest given keyframes (read from
 * the mask conditioning). Its estimate does not depend on x, so sampling ends on it; interpolating the keyframes
 * 0, 10, 20, ... must then give 0, 2.5, 5, ... at every output frame, which only happens if each window got the
 * right keyframes at the right positions and the windows were stitched without gaps or repeats.
 */
class KeyframeInterpolationTest {
    static final int C = 2;

    static DenoiseFunction linearModel(int t) {
        return (x, sigma, cond) -> {
            NDArray concat = cond.concat();
            long rows = x.getShape().get(0);
            float[] out = new float[(int) x.getShape().size()];
            int per = (int) (x.getShape().size() / rows);
            for (int r = 0; r < rows; r++) {
                int video = r / t;
                int i = r % t;
                int lo = i;
                while (concat.getFloat(video * t + lo, C, 0, 0) != 1f) {
                    lo--;
                }
                int hi = i;
                while (concat.getFloat(video * t + hi, C, 0, 0) != 1f) {
                    hi++;
                }
                float a = concat.getFloat(video * t + lo, 0, 0, 0);
                float b = concat.getFloat(video * t + hi, 0, 0, 0);
                float v = hi == lo ? a : a + (b - a) * (i - lo) / (hi - lo);
                java.util.Arrays.fill(out, r * per, (r + 1) * per, v);
            }
            return x.getManager().create(out, x.getShape());
        };
    }

    @Test
    void windowsFillEveryGapOnce() {
        try (NDManager m = NDManager.newBaseManager()) {
            int stride = 4;
            int k = 3;
            int t = InterpolationMask.framesFor(k, stride);
            KeyframeInterpolation interp = new KeyframeInterpolation(new EulerEDMSampler(new EDMDiscretization(0.002, 80, 7), 3, null),
                    linearModel(t), k, stride);
            int numKey = 6; // windows over keyframes 0-2, 2-4, then 3-5 (moved back to end on the last keyframe)
            float[] keys = new float[2 * numKey];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < numKey; i++) {
                    keys[b * numKey + i] = 100 * b + 10 * i;
                }
            }
            NDArray keyframes = m.create(keys).reshape(2 * numKey, 1, 1, 1).broadcast(new Shape(2 * numKey, C, 2, 2)).duplicate();
            NDArray video = interp.interpolate(m, keyframes, numKey, Conditioning.none().withVideo(t, null), null, 3);
            int frames = interp.outputFrames(numKey);
            assertEquals(21, frames);
            assertEquals(new Shape(2 * frames, C, 2, 2), video.getShape());
            for (int b = 0; b < 2; b++) {
                for (int f = 0; f < frames; f++) {
                    assertEquals(100 * b + 2.5 * f, video.getFloat(b * frames + f, 1, 1, 0), 1e-3, "video " + b + " frame " + f);
                }
            }
        }
    }
}
