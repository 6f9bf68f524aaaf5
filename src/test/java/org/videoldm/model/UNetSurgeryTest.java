package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.nn.Ops;

/** Widening a trained UNet's input and adding a class embedding keep its output exactly. */
class UNetSurgeryTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(11);
    }

    /** Every parameter random and non-zero (a trained network), including the zero-initialised output layers. */
    static void randomise(org.videoldm.nn.Module m) {
        m.stateDict().forEach((k, p) -> {
            Shape s = p.getShape();
            NDArray v = s.dimension() >= 2 ? manager.randomNormal(s).div((float) Math.sqrt(s.size() / s.get(0)))
                    : manager.randomNormal(s).mul(0.1f).add(k.endsWith("weight") ? 1f : 0f);
            org.videoldm.io.StateDict.assign(p, v);
        });
    }

    static ImageToVideoTest.Batch batch() {
        int n = ImageToVideoTest.VIDEOS * ImageToVideoTest.FRAMES;
        return new ImageToVideoTest.Batch(manager.randomNormal(new Shape(n, 4, 8, 6)), manager.randomUniform(0f, 999f, new Shape(n)),
                manager.randomNormal(new Shape(n, 5, 16)));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void widenedImageUNetIgnoresArbitraryExtraChannels() {
        UNetModel image = new UNetModel(manager, ImageToVideoTest.tinyImageConfig());
        randomise(image);
        UNetModel wide = UNetSurgery.widenInput(manager, image, 5);
        assertEquals(9, wide.config().in_channels());
        assertEquals(new Shape(32, 9, 3, 3), wide.stateDict().get("input_blocks.0.0.weight").getShape());

        ImageToVideoTest.Batch b = batch();
        NDArray extra = manager.randomNormal(new Shape(b.x().getShape().get(0), 5, 8, 6)).mul(3f);
        NDArray expected = image.forward(b.x(), b.t(), b.ctx(), null);
        NDArray actual = wide.forward(Ops.cat(1, b.x(), extra), b.t(), b.ctx(), null);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 0f);

        // The extra channels are live inputs once their weights move away from zero.
        wide.stateDict().get("input_blocks.0.0.weight").set(new ai.djl.ndarray.index.NDIndex(":, 4:"), 0.1f);
        NDArray moved = wide.forward(Ops.cat(1, b.x(), extra), b.t(), b.ctx(), null);
        assertTrue(moved.sub(expected).abs().max().getFloat() > 1e-3f);
    }

    @Test
    void widenedVideoUNetKeepsTheVideoOutputAndItsTemporalWeights() {
        UNetModel image = new UNetModel(manager, ImageToVideoTest.tinyImageConfig());
        VideoUNet video = VideoUNet.fromImage(manager, image, VideoUNetConfig.svd(image.config()));
        randomise(video);
        VideoUNet wide = UNetSurgery.widenInput(manager, video, 5);
        assertEquals(video.videoConfig().merge_strategy(), wide.videoConfig().merge_strategy());
        assertArrayEquals(video.stateDict().get("input_blocks.1.0.time_stack.in_layers.2.weight").toFloatArray(),
                wide.stateDict().get("input_blocks.1.0.time_stack.in_layers.2.weight").toFloatArray(), 0f);

        ImageToVideoTest.Batch b = batch();
        NDArray extra = manager.randomUniform(-2f, 2f, new Shape(b.x().getShape().get(0), 5, 8, 6));
        NDArray indicator = manager.zeros(new Shape(ImageToVideoTest.VIDEOS, ImageToVideoTest.FRAMES));
        NDArray expected = video.forward(b.x(), b.t(), b.ctx(), null, ImageToVideoTest.FRAMES, indicator, null);
        NDArray actual = wide.forward(Ops.cat(1, b.x(), extra), b.t(), b.ctx(), null, ImageToVideoTest.FRAMES, indicator, null);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 0f);
    }

    @Test
    void zeroClassEmbeddingKeepsTheOutputForEveryLabel() {
        UNetModel image = new UNetModel(manager, ImageToVideoTest.tinyImageConfig());
        randomise(image);
        UNetModel labelled = UNetSurgery.addClassEmbedding(manager, image, 7);
        assertEquals("7", labelled.config().num_classes());
        ImageToVideoTest.Batch b = batch();
        NDArray labels = manager.create(new float[] {0, 6, 3, 1, 2, 5});
        assertArrayEquals(image.forward(b.x(), b.t(), b.ctx(), null).toFloatArray(),
                labelled.forward(b.x(), b.t(), b.ctx(), labels).toFloatArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> UNetSurgery.addClassEmbedding(manager, labelled, 3));
    }
}
