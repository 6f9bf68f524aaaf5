package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stand-in prediction model that continues a ramp: every frame's latent is (value of the last given frame) +
 * (distance to it), and 0, 1, 2, ... with no context. Its estimate does not depend on x, so any sampler ends on it
 * exactly; the rollout must then produce the ramp 0 .. N-1 (plus the given start), which only happens if each
 * window received the right context frames at the right positions.
 */
class RolloutTest {
    static final int T = 5;
    static final int C = 2;

    static DenoiseFunction rampModel() {
        return (x, sigma, cond) -> {
            NDArray concat = cond.concat();
            long rows = x.getShape().get(0);
            float[] out = new float[(int) x.getShape().size()];
            int per = (int) (x.getShape().size() / rows);
            for (int r = 0; r < rows; r++) {
                int video = r / T;
                int lastGiven = -1;
                float value = 0;
                for (int t = 0; t < T; t++) {
                    if (concat.getFloat(video * T + t, C, 0, 0) == 1f) {
                        lastGiven = t;
                        value = concat.getFloat(video * T + t, 0, 0, 0);
                    }
                }
                int t = r % T;
                float v = lastGiven < 0 ? t : value + (t - lastGiven);
                java.util.Arrays.fill(out, r * per, (r + 1) * per, v);
            }
            return x.getManager().create(out, x.getShape());
        };
    }

    @Test
    void windowsCarryTheirLastFramesForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionSampler sampler = new EulerEDMSampler(new EDMDiscretization(0.002, 80, 7), 4, null);
            Rollout r = new Rollout(sampler, rampModel(), T, 2);
            Conditioning cond = Conditioning.none().withVideo(T, null);
            List<Integer> windows = new ArrayList<>();
            NDArray video = r.generate(m, cond, null, null, 2, new Shape(C, 3, 3), 12, 7, (w, done, total) -> windows.add(done));
            assertEquals(new Shape(24, C, 3, 3), video.getShape());
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 12; t++) {
                    assertEquals(t, video.getFloat(b * 12 + t, 1, 2, 1), 1e-4, "video " + b + " frame " + t);
                }
            }
            assertEquals(List.of(5, 8, 11, 12), windows);
            assertEquals(4, r.windows(12, 0));

            // a given start: frames 0,1 are the context (values 40, 41), the rest continues from them
            NDArray start = m.create(new float[] {40, 41}).reshape(2, 1, 1, 1).broadcast(new Shape(2, C, 3, 3)).duplicate();
            NDArray cont = r.generate(m, cond, null, start, 1, new Shape(C, 3, 3), 9, 7, null);
            float[] firstPixel = new float[9];
            for (int t = 0; t < 9; t++) {
                firstPixel[t] = cont.getFloat(t, 0, 0, 0);
            }
            assertArrayEquals(new float[] {40, 41, 42, 43, 44, 45, 46, 47, 48}, firstPixel, 1e-4f);
        }
    }
}
