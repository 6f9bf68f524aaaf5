package org.videoldm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    /** A clock the test moves by hand, so 15-second throttling is checked without waiting. */
    private static final class FakeClock {
        long nanos = 1_000;

        void advanceSeconds(double s) {
            nanos += (long) (s * 1e9);
        }
    }

    private static String runLoop(Progress.Mode mode, double... secondsBetweenSteps) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
                Progress p = new Progress("scan", secondsBetweenSteps.length, 0, mode, out, () -> clock.nanos)) {
            for (double s : secondsBetweenSteps) {
                clock.advanceSeconds(s);
                p.step();
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesComeAtMostEvery15SecondsPlusAFinalOne() {
        // Steps end at 10 s, 16 s, 20 s, 29 s, 32 s: lines at 16 s and 32 s (16 s after the last), then the final one.
        String[] lines = runLoop(Progress.Mode.LINES, 10, 6, 4, 9, 3).split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("scan: 2/5 (40%)"), lines[0]);
        assertTrue(lines[1].startsWith("scan: 5/5 (100%)"), lines[1]);
        assertEquals(lines[1].replaceAll("[0-9.]+ it/s.*", ""), lines[2].replaceAll("[0-9.]+ it/s.*", ""));
        assertEquals("", runLoop(Progress.Mode.LINES, 5, 5, 4), "a loop shorter than 15 s prints nothing");
    }

    @Test
    void propertyOverridesAutoAndOffSilences() {
        String before = System.getProperty("videoldm.progress");
        try {
            System.setProperty("videoldm.progress", "off");
            assertEquals(Progress.Mode.QUIET, Progress.resolve(Progress.Mode.AUTO));
            assertEquals("", runLoop(Progress.Mode.AUTO, 20, 20, 20));
            assertEquals(Progress.Mode.LINES, Progress.resolve(Progress.Mode.LINES), "an explicit mode wins over the property");
            System.setProperty("videoldm.progress", "bar");
            assertEquals(Progress.Mode.BAR, Progress.resolve(Progress.Mode.AUTO));
            System.setProperty("videoldm.progress", "lines");
            assertEquals(3, runLoop(Progress.Mode.AUTO, 20, 20).split("\n").length);
        } finally {
            if (before == null) {
                System.clearProperty("videoldm.progress");
            } else {
                System.setProperty("videoldm.progress", before);
            }
        }
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
