package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FlopCounterTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void countsConvLinearAndAttentionFromShapes() {
        Conv conv = Conv.conv2d(manager, 3, 8, 3, 2, 1); // 10x12 -> 5x6
        Conv conv3 = Conv.conv3d(manager, 4, 4, new long[] {3, 1, 1}, false);
        Linear lin = new Linear(manager, 6, 10, true);
        try (FlopCounter fc = FlopCounter.start()) {
            conv.forward(manager.zeros(new Shape(2, 3, 10, 12)));
            conv3.forward(manager.zeros(new Shape(1, 4, 5, 2, 2)));
            lin.forward(manager.zeros(new Shape(2, 7, 6)));
            Ops.attention(manager.zeros(new Shape(3, 5, 4)), manager.zeros(new Shape(3, 9, 4)), manager.zeros(new Shape(3, 9, 4)));
            assertEquals(2L * 3 * 8 * 9 * 5 * 6 * 2 + 2L * 4 * 4 * 3 * 5 * 2 * 2, fc.conv());
            assertEquals(2L * 6 * 10 * 14, fc.linear());
            assertEquals(4L * 5 * 9 * 4 * 3, fc.attention());
        }
        try (FlopCounter fc = FlopCounter.start()) {
            assertEquals(0, fc.total());
        }
        lin.forward(manager.zeros(new Shape(1, 6)));
    }
}
