package org.videoldm.temporal;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.temporal.AlphaBlender.Strategy;

class AlphaBlenderTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Two videos of three frames, one channel, 2x2 pixels: spatial all 1, temporal all 0, so the blend is alpha per frame. */
    private static float[] blendedAlphas(AlphaBlender b, NDArray indicator) {
        NDArray spatial = manager.ones(new Shape(6, 1, 2, 2));
        NDArray temporal = manager.zeros(new Shape(6, 1, 2, 2));
        NDArray out = b.blend(spatial, temporal, indicator);
        assertEquals(new Shape(6, 1, 2, 2), out.getShape());
        return out.get(":, 0, 0, 0").toFloatArray();
    }

    @Test
    void fixedUsesTheRawFactorAndIsABuffer() {
        AlphaBlender b = new AlphaBlender(manager, 0.3, Strategy.FIXED);
        for (float a : blendedAlphas(b, null)) {
            assertEquals(0.3f, a, 1e-6f);
        }
        assertEquals(Set.of("mix_factor"), b.bufferNames());
        b.setTrainable(k -> true);
        assertTrue(b.trainableParameters().isEmpty(), "a fixed mix factor must never train");
    }

    @Test
    void learnedUsesTheSigmoidOfTheLogit() {
        AlphaBlender b = new AlphaBlender(manager, 0.7, Strategy.LEARNED);
        NDArray indicator = manager.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
        for (float a : blendedAlphas(b, indicator)) {
            assertEquals(sigmoid(0.7), a, 1e-6);
        }
        b.setTrainable(k -> true);
        assertEquals(Set.of("mix_factor"), b.trainableParameters().keySet());
    }

    @Test
    void learnedWithImagesIsOneOnImageFramesAndFramesAreInner() {
        AlphaBlender b = new AlphaBlender(manager, -1.2, Strategy.LEARNED_WITH_IMAGES);
        // Video 0: frame 0 is an image; video 1: frame 1 is an image. Rows are (b t): row = b*3 + t.
        NDArray indicator = manager.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
        float[] a = blendedAlphas(b, indicator);
        double s = sigmoid(-1.2);
        double[] want = {1, s, s, s, 1, s};
        for (int i = 0; i < 6; i++) {
            assertEquals(want[i], a[i], 1e-6, "row " + i);
        }
    }

    @Test
    void learnedWithImagesNeedsTheIndicator() {
        AlphaBlender b = new AlphaBlender(manager, 0, Strategy.LEARNED_WITH_IMAGES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> blendedAlphas(b, null));
        assertTrue(e.getMessage().contains("image_only_indicator"), e.getMessage());
    }

    @Test
    void gradientReachesTheLogitThroughTheSigmoid() {
        AlphaBlender b = new AlphaBlender(manager, 0.4, Strategy.LEARNED_WITH_IMAGES);
        b.setTrainable(k -> true);
        NDArray indicator = manager.create(new float[] {0, 0, 1, 0, 0, 0}, new Shape(2, 3));
        try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray out = b.blend(manager.ones(new Shape(6, 1, 2, 2)), manager.zeros(new Shape(6, 1, 2, 2)), indicator);
            gc.backward(out.sum());
        }
        // d/dm of sum over 5 video frames x 4 pixels of sigmoid(m) = 20 s (1 - s); image frames contribute nothing.
        double s = sigmoid(0.4);
        assertEquals(20 * s * (1 - s), b.mixFactor().getGradient().getFloat(0), 1e-5);
    }

    @Test
    void parsesTheReferenceSpellings() {
        assertEquals(Strategy.LEARNED_WITH_IMAGES, Strategy.parse("learned_with_images"));
        assertEquals("fixed", Strategy.FIXED.key());
        assertThrows(IllegalArgumentException.class, () -> Strategy.parse("fixed_with_images"));
    }

    @Test
    void blendingLeavesNothingInTheParametersManager() {
        for (Strategy st : Strategy.values()) {
            try (NDManager params = manager.newSubManager()) {
                AlphaBlender b = new AlphaBlender(params, 0.3, st);
                int before = params.getManagedArrays().size();
                for (int step = 0; step < 3; step++) {
                    try (NDManager sm = manager.newSubManager()) {
                        NDArray indicator = sm.create(new float[] {0, 1, 0, 0, 0, 1}, new Shape(2, 3));
                        b.blend(sm.ones(new Shape(6, 1, 2, 2)), sm.zeros(new Shape(6, 1, 2, 2)), indicator).toFloatArray();
                    }
                }
                assertEquals(before, params.getManagedArrays().size(), st + ": arrays left in the parameters' manager after three blends");
            }
        }
    }
}
