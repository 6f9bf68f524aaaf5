package org.videoldm.train;

import java.util.Locale;

/**
 * How much work a stage, notebook or evaluation does: {@link #FULL} runs the configured step and sample counts,
 * {@link #SMOKE} cuts them to a handful so that continuous integration can execute every notebook in minutes. It
 * never changes the code path, only the counts. Chosen by the system property {@code videoldm.mode} or the
 * environment variable {@code VIDEOLDM_NOTEBOOK_MODE} ({@code full|smoke}); default full.
 */
public enum RunMode {
    FULL, SMOKE;

    public static final String PROPERTY = "videoldm.mode";
    public static final String ENV = "VIDEOLDM_NOTEBOOK_MODE";

    /** Most optimizer steps a smoke run takes. */
    public static final long SMOKE_STEPS = 4;
    /** Most samples (videos, clips, frames for metrics) a smoke run makes. */
    public static final int SMOKE_SAMPLES = 2;

    /** The mode from the property, else the environment, else FULL. */
    public static RunMode current() {
        return org.videoldm.util.Setting.lookup(PROPERTY, ENV).map(RunMode::parse).orElse(FULL);
    }

    public static RunMode parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "full" -> FULL;
            case "smoke" -> SMOKE;
            default -> throw new IllegalArgumentException("run mode must be full or smoke, got '" + s + "' (" + PROPERTY + " / " + ENV + ")");
        };
    }

    /** Optimizer steps to run for a configured {@code full} count. */
    public long steps(long full) {
        return this == SMOKE ? Math.min(full, SMOKE_STEPS) : full;
    }

    /** Samples to draw for a configured {@code full} count. */
    public int samples(int full) {
        return this == SMOKE ? Math.min(full, SMOKE_SAMPLES) : full;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
