package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The masked-latent conditioning puts exactly the given frames' latents at their frames, and the mask marks them. */
class MaskTest {
    static NDManager m;
    static final int C = 3;

    @BeforeAll
    static void setUp() {
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        m.close();
    }

    /** Checks row r of a concat: latents equal to {@code source} row r and mask 1, or all zero. */
    static void assertRow(NDArray concat, NDArray source, int r, boolean given) {
        NDArray lat = concat.get(r + ", 0:" + C);
        NDArray mask = concat.get(r + ", " + C + ":");
        if (given) {
            assertArrayEquals(source.get(r).toFloatArray(), lat.toFloatArray(), 0f, "row " + r + " latents");
            assertEquals(mask.size(), mask.sum().getFloat(), "row " + r + " mask");
        } else {
            assertEquals(0f, lat.abs().sum().getFloat(), "row " + r + " latents");
            assertEquals(0f, mask.sum().getFloat(), "row " + r + " mask");
        }
    }

    @Test
    void contextMaskGivesTheFirstFramesOfEachVideo() {
        NDArray lat = m.randomNormal(new Shape(2 * 5, C, 4, 6));
        NDArray concat = ContextMask.concat(lat, 5, new int[] {2, 1});
        assertEquals(new Shape(10, C + 1, 4, 6), concat.getShape());
        boolean[] given = {true, true, false, false, false, true, false, false, false, false};
        for (int r = 0; r < 10; r++) {
            assertRow(concat, lat, r, given[r]);
        }
        NDArray none = ContextMask.concat(lat, 5, 0);
        assertEquals(0f, none.abs().sum().getFloat());
        assertThrows(IllegalArgumentException.class, () -> ContextMask.concat(lat, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> ContextMask.concat(lat, 5, new int[] {6, 0}));
    }

    @Test
    void contextFromGivenFramesLandsAtTheStartOfTheWindow() {
        NDArray ctx = m.randomNormal(new Shape(2 * 2, C, 2, 2));
        NDArray concat = ContextMask.fromContext(ctx, 2, 6);
        assertEquals(new Shape(12, C + 1, 2, 2), concat.getShape());
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 6; t++) {
                NDArray row = concat.get((b * 6 + t) + ", 0:" + C);
                if (t < 2) {
                    assertArrayEquals(ctx.get(b * 2 + t).toFloatArray(), row.toFloatArray(), 0f);
                } else {
                    assertEquals(0f, row.abs().sum().getFloat());
                }
            }
        }
        assertEquals(new Shape(12, C + 1, 2, 2), ContextMask.none(m, 2, 6, new Shape(C, 2, 2)).getShape());
    }

    @Test
    void trainingContextSizesAreDrawnFromZeroOneTwo() {
        int[] counts = new int[3];
        for (int s : ContextMask.sampleNumContext(new SplittableRandom(5), 3000)) {
            counts[s]++;
        }
        for (int c : counts) {
            assertEquals(1000, c, 100);
        }
        int[] onlyTwo = ContextMask.sampleNumContext(new SplittableRandom(5), 50, new double[] {0, 0, 1});
        for (int s : onlyTwo) {
            assertEquals(2, s);
        }
    }

    @Test
    void interpolationKeepsEveryFourthFrame() {
        NDArray key = m.randomNormal(new Shape(2 * 4, C, 2, 3));
        int frames = InterpolationMask.framesFor(4, 4);
        assertEquals(13, frames);
        NDArray concat = InterpolationMask.fromKeyframes(key, 4, 4, frames);
        assertEquals(new Shape(26, C + 1, 2, 3), concat.getShape());
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < frames; t++) {
                NDArray row = concat.get((b * frames + t) + ", 0:" + C);
                NDArray mask = concat.get((b * frames + t) + ", " + C);
                if (t % 4 == 0) {
                    assertArrayEquals(key.get(b * 4 + t / 4).toFloatArray(), row.toFloatArray(), 0f);
                    assertEquals(6f, mask.sum().getFloat());
                } else {
                    assertEquals(0f, row.abs().sum().getFloat());
                    assertEquals(0f, mask.sum().getFloat());
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> InterpolationMask.fromKeyframes(key, 4, 4, 12));
    }

    @Test
    void noiseAugmentationDiffusesPerVideoAndReportsTheLevel() {
        NoiseAugmentation aug = NoiseAugmentation.sdUpscaler(350, 0);
        NDArray low = m.randomNormal(new Shape(2 * 3, C, 2, 2));
        NDArray noise = m.randomNormal(new Shape(2 * 3, C, 2, 2));
        LegacyDDPMDiscretization sched = new LegacyDDPMDiscretization(1e-4, 2e-2, 1000);
        int[] levels = {0, 200};
        Conditioning c = aug.apply(Conditioning.none(), low, levels, 3, noise);
        assertArrayEquals(new float[] {0, 0, 0, 200, 200, 200}, c.vector().toFloatArray());
        for (int r = 0; r < 6; r++) {
            double ab = sched.alphasCumprod()[levels[r / 3]];
            NDArray want = low.get(r).mul((float) Math.sqrt(ab)).add(noise.get(r).mul((float) Math.sqrt(1 - ab)));
            assertArrayEquals(want.toFloatArray(), c.concat().get(r).toFloatArray(), 1e-6f);
        }
        NDArray emb = NoiseAugmentation.sdUpscaler(350, 16).levelConditioning(low, levels, 3);
        assertEquals(new Shape(6, 16), emb.getShape());
        for (int l : aug.sampleLevels(new SplittableRandom(1), 200)) {
            assertEquals(true, l >= 0 && l < 350);
        }
        assertThrows(IllegalArgumentException.class, () -> aug.noised(low, new int[] {1}, 3, noise));
    }
}
