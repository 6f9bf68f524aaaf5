package org.videoldm.metrics;

/**
 * One metric value with what it was computed from: the metric's name ("FVD", "FVD-rand", "IS", ...),
 * the value (and its spread where the recipe gives one, else NaN), sample counts (clips or frames of
 * the generated and the real set; 0 where a set is not used), the clip length and the detector.
 */
public record MetricResult(String metric, double value, double std, int generatedCount, int realCount, int clipLength, String detector) {
    public String line() {
        String v = Double.isNaN(std) ? String.format(java.util.Locale.ROOT, "%.4f", value)
                : String.format(java.util.Locale.ROOT, "%.4f +- %.4f", value, std);
        return metric + " = " + v + "  (generated " + generatedCount + ", real " + realCount + ", clip length " + clipLength + ", detector " + detector + ")";
    }
}
