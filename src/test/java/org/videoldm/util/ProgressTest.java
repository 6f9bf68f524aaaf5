package org.videoldm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void lineShowsCountRateAndEta() throws Exception {
        try (Progress p = Progress.start("sampling", 40, 0, Progress.Mode.QUIET)) {
            Thread.sleep(20);
            p.update(10, "sigma 1.5");
            String line = p.line("sigma 1.5");
            assertTrue(line.matches("sampling: 10/40 \\(25%\\) [0-9.]+ it/s ETA 0:00:[0-9]{2} sigma 1.5"), line);
        }
        assertEquals("0:01:05", Throughput.formatSeconds(65));
        assertEquals("?", Throughput.formatSeconds(Double.NaN));
    }

    @Test
    void derivedSeedsAreStableAndDistinct() {
        assertEquals(Seeds.derive(1, 2, 3), Seeds.derive(1, 2, 3));
        assertNotEquals(Seeds.derive(1, 2, 3), Seeds.derive(1, 3, 2));
        assertNotEquals(Seeds.derive(1, 2), Seeds.derive(2, 2));
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = Seeds.normal(m, new Shape(5), 42).toFloatArray();
            m.randomNormal(new Shape(3)); // other draws in between do not matter
            float[] b = Seeds.normal(m, new Shape(5), 42).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 0f);
        }
    }
}
