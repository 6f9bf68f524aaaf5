package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zero-shot classification on embeddings built so that the answer is known. */
class ZeroShotTest {
    @Test
    void classEmbeddingIsTheNormalisedMeanOfNormalisedPrompts() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (10, 0) and (0, 1): normalised (1, 0) and (0, 1), mean (0.5, 0.5), normalised (1/sqrt2, 1/sqrt2): prompt lengths do not weigh
            NDArray c = ZeroShot.classEmbedding(m.create(new float[][] {{10, 0}, {0, 1}}));
            float r = (float) Math.sqrt(0.5);
            assertArrayEquals(new float[] {r, r}, c.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void predictsTheClassOfHighestCosineAndCountsAccuracyOverLabelledImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray classes = ZeroShot.classEmbeddings(List.of(
                    m.create(new float[][] {{1, 0, 0}}), m.create(new float[][] {{0, 1, 0}, {0, 2, 0}}), m.create(new float[][] {{0, 0, 1}})));
            // image 1 is long but points at class 0: cosine, not dot product, decides; image 3 sits nearest class 2
            NDArray images = m.create(new float[][] {{0.1f, 2, 0}, {50, 1, 0}, {0, 0.2f, 0.1f}, {0.2f, 0.1f, 0.9f}});
            int[] p = ZeroShot.predict(images, classes);
            assertArrayEquals(new int[] {1, 0, 1, 2}, p);
            assertEquals(0.75, ZeroShot.accuracy(p, new int[] {1, 0, 2, 2}), 1e-12);
            assertEquals(2 / 3.0, ZeroShot.accuracy(p, new int[] {1, -1, 2, 2}), 1e-12, "unlabelled images are left out");
            assertEquals(Double.NaN, ZeroShot.accuracy(p, new int[] {-1, -1, -1, -1}));
        }
    }

    @Test
    void drivingAttributesFollowTheLabelOrder() {
        List<ZeroShot.Attribute> a = ZeroShot.driving();
        assertEquals(List.of("time_of_day", "weather", "traffic"), a.stream().map(ZeroShot.Attribute::name).toList());
        assertEquals(List.of("day", "dusk", "night"), a.get(0).classes());
        assertEquals(List.of("clear", "rain", "fog"), a.get(1).classes());
    }
}
