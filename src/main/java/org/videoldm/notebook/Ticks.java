package org.videoldm.notebook;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Round axis ticks and their labels, for the charts XChart cannot label well by itself. */
public final class Ticks {
    private Ticks() {}

    /** 1, 2 or 5 times a power of ten, at least {@code raw} (1 for a non-positive or NaN raw). */
    public static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * p >= raw * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** The multiples of {@code step} in [lo, hi]. */
    public static List<Double> values(double lo, double hi, double step) {
        List<Double> out = new ArrayList<>();
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) {
            out.add(k * step);
        }
        return out;
    }

    /** {@code v} with as many decimals as {@code step} needs (none for whole steps, thousands separated). */
    public static String label(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        double rounded = Math.abs(v) < step * 1e-9 ? 0 : v;
        return String.format(Locale.ROOT, "%,." + decimals + "f", rounded);
    }

    /** Whether {@code v} is a whole multiple of {@code step} (up to rounding). */
    public static boolean onStep(double v, double step) {
        return Math.abs(v / step - Math.rint(v / step)) < 1e-6;
    }

    /** A tick value in plain decimals with a leading zero (XChart's default pattern writes 0.05 as ".05"). */
    public static String plain(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.scale() < 0 ? String.format(Locale.ROOT, "%,d", d.longValue()) : d.toPlainString();
    }

    /**
     * The label of a tick on an axis that carries log10 of the values: 10^v with two significant digits
     * (0.063, 0.1, 1.6, 25), so that every tick of a log-scaled loss reads as a loss.
     */
    public static String log10Label(double log10Value) {
        return log10Label(log10Value, 2);
    }

    /** As {@link #log10Label(double)} with {@code digits} significant digits. */
    public static String log10Label(double log10Value, int digits) {
        double v = Math.pow(10, log10Value);
        if (!(v > 0) || Double.isInfinite(v)) {
            return "";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
        return d.scale() < 0 ? String.format(Locale.ROOT, "%,d", d.longValue()) : d.toPlainString();
    }

    /**
     * Tick labels for a log10 axis spanning {@code [lo, hi]}: enough significant digits that ticks a tenth of the span
     * apart read differently (XChart drops every label of an axis whose labels repeat, as 0.50 and 0.50 would on a flat
     * loss).
     */
    public static java.util.function.Function<Double, String> log10Labels(double lo, double hi) {
        double relativeStep = Math.max(hi - lo, 1e-12) * Math.log(10) / 10;
        int digits = (int) Math.max(2, Math.min(12, Math.ceil(1 - Math.log10(relativeStep))));
        return v -> log10Label(v, digits);
    }
}
