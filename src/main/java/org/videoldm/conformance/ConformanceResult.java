package org.videoldm.conformance;

/** The comparison of one output (or the verdict on a whole fixture when output is null). */
public record ConformanceResult(String fixture, String output, Status status, double maxAbsErr, double worstRatio, String detail) {
    public enum Status { PASS, FAIL, UNSUPPORTED, ERROR }

    public boolean passed() {
        return status == Status.PASS;
    }

    /** One report line: {@code NAME OUTPUT PASS|FAIL max_abs_err=...}. */
    public String line() {
        StringBuilder sb = new StringBuilder(fixture);
        if (output != null) {
            sb.append(' ').append(output);
        }
        sb.append(' ').append(status);
        if (status == Status.PASS || status == Status.FAIL) {
            sb.append(String.format(java.util.Locale.ROOT, " max_abs_err=%.3e tol_used=%.3f", maxAbsErr, worstRatio));
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append("  (").append(detail).append(')');
        }
        return sb.toString();
    }
}
