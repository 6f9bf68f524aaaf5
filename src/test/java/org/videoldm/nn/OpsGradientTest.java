package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gradients through constant factors must survive garbage collection between forward and backward. */
class OpsGradientTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Frees and reuses Java direct-buffer memory, as a training loop does between forward and backward. */
    private static void churnDirectMemory() {
        for (int i = 0; i < 100; i++) {
            System.gc();
            for (int j = 0; j < 50; j++) {
                manager.create(new float[] {1000f + j}).close();
            }
        }
    }

    @Test
    void scaleKeepsItsConstantForTheBackwardPass() {
        NDArray p = manager.randomNormal(new Shape(4));
        p.setRequiresGradient(true);
        try (var gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Ops.scale(p, 3f).sum();
            churnDirectMemory();
            gc.backward(y);
        }
        assertArrayEquals(new float[] {3, 3, 3, 3}, p.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void attentionGradientMatchesFiniteDifferences() {
        NDArray q = manager.randomNormal(new Shape(1, 3, 4));
        NDArray k = manager.randomNormal(new Shape(1, 5, 4));
        NDArray v = manager.randomNormal(new Shape(1, 5, 4));
        q.setRequiresGradient(true);
        try (var gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Ops.attention(q, k, v).sum();
            churnDirectMemory();
            gc.backward(y);
        }
        float g = q.getGradient().getFloat(0, 1, 2);
        float eps = 1e-2f;
        NDArray bump = manager.zeros(new Shape(1, 3, 4));
        bump.set(new ai.djl.ndarray.index.NDIndex(0, 1, 2), eps);
        NDArray q0 = q.stopGradient();
        float up = Ops.attention(q0.add(bump), k, v).sum().getFloat();
        float down = Ops.attention(q0.sub(bump), k, v).sum().getFloat();
        assertEquals((up - down) / (2 * eps), g, 1e-3);
    }
}
