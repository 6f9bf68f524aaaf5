package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The cached frame-position embedding equals the one computed per call, and each call's result belongs to its caller. */
class ConstantsTest {
    @Test
    void frameEmbeddingEqualsThePerCallComputationAndBelongsToTheCaller() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int dim : new int[] {8, 7}) {
                int size = -1;
                for (int call = 0; call < 3; call++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray got = TimestepEmbedding.frames(step, 3, 5, dim, 10000.0, DataType.FLOAT32);
                        NDArray expected = TimestepEmbedding.embed(step.arange(0f, 5f).tile(3), dim, 10000.0);
                        assertEquals(new Shape(15, dim), got.getShape());
                        assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), "dim " + dim);
                        assertSame(step, got.getManager(), "the result must be freed with the caller's scope");
                    }
                    if (call == 0) {
                        size = Constants.size();
                    }
                }
                assertEquals(size, Constants.size(), "constants made after the first call");
            }
        }
    }
}
