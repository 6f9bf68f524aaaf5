package org.videoldm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The libtorch switches are really set in the loaded library, and poisoning makes unwritten memory NaN. */
class TorchFlagsTest {
    @Test
    void nnpackIsSwitchedOffInLibtorch() {
        TorchFlags.init();
        assertTrue(TorchFlags.available(), TorchFlags.status());
        assertFalse(TorchFlags.nnpackEnabled());
    }

    @Test
    void poisonedAllocationsAreNanUntilWrittenAndOrdinaryOpsStayExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchFlags.poisonAllocations(true);
            try {
                assertTrue(TorchFlags.poisoning());
                NDArray empty = m.create(new Shape(1000)); // torch.empty: nobody writes it
                assertEquals(1000, empty.isNaN().sum().getLong());
                NDArray x = m.arange(12f).reshape(3, 4);
                NDArray y = x.matMul(x.transpose()).add(m.ones(new Shape(3, 3)));
                assertEquals(0, y.isNaN().sum().getLong());
                assertEquals(14f + 1f, y.getFloat(0, 0), 0f);
            } finally {
                TorchFlags.poisonAllocations(false);
            }
            assertFalse(TorchFlags.poisoning());
        }
    }
}
