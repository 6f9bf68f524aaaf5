package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {
    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.005, Ticks.niceStep(0.0041), 1e-15);
        assertEquals(0.01, Ticks.niceStep(0.006), 1e-15);
        assertEquals(2, Ticks.niceStep(1.5), 1e-15);
        assertEquals(5, Ticks.niceStep(5), 1e-15, "an exact nice value is kept");
        assertEquals(100, Ticks.niceStep(51), 1e-12);
        assertEquals(1, Ticks.niceStep(-3), 0);
    }

    @Test
    void tickValuesAreTheMultiplesInsideTheRange() {
        List<Double> v = Ticks.values(0.46, 0.54, 0.02);
        assertEquals(5, v.size());
        assertEquals(0.46, v.get(0), 1e-12);
        assertEquals(0.54, v.get(4), 1e-12);
        assertEquals(List.of(-10.0, -5.0, 0.0, 5.0), Ticks.values(-12, 7, 5));
    }

    @Test
    void labelsCarryTheDecimalsTheStepNeeds() {
        assertEquals("0.48", Ticks.label(0.48000000001, 0.02));
        assertEquals("0.005", Ticks.label(0.005, 0.005));
        assertEquals("1,200", Ticks.label(1200, 200));
        assertEquals("0.00", Ticks.label(-1e-17, 0.01), "no negative zero");
        assertTrue(Ticks.onStep(600, 100));
        assertFalse(Ticks.onStep(126, 100));
    }

    @Test
    void plainLabelsKeepTheLeadingZero() {
        assertEquals("0.05", Ticks.plain(0.05));
        assertEquals("0.15", Ticks.plain(0.15000000000000002));
        assertEquals("0", Ticks.plain(0));
        assertEquals("-0.25", Ticks.plain(-0.25));
        assertEquals("12,000", Ticks.plain(12000));
    }

    @Test
    void logAxisLabelsAreTheValuesThemselves() {
        assertEquals("0.1", Ticks.log10Label(-1));
        assertEquals("0.063", Ticks.log10Label(-1.2));
        assertEquals("0.05", Ticks.log10Label(Math.log10(0.05)));
        assertEquals("1.6", Ticks.log10Label(0.2));
        assertEquals("25", Ticks.log10Label(1.4));
        assertEquals("1,000", Ticks.log10Label(3));
    }

    @Test
    void aFlatLogAxisGetsTheDigitsToTellItsTicksApart() {
        // A loss between 0.499 and 0.501: ticks about a tenth of the span apart must not all read "0.5".
        double lo = Math.log10(0.499);
        double hi = Math.log10(0.501);
        var label = Ticks.log10Labels(lo, hi);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i <= 10; i++) {
            seen.add(label.apply(lo + i * (hi - lo) / 10));
        }
        assertEquals(11, seen.size(), seen.toString());
        assertEquals("0.063", Ticks.log10Labels(-1.5, -0.5).apply(-1.2), "a decade keeps two digits");
    }
}
