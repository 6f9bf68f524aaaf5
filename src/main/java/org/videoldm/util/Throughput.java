package org.videoldm.util;

/** Iterations per second and time left for a loop of known length, from wall-clock time since it started. */
public final class Throughput {
    private final long total;
    private final long first;
    private final long startNanos;
    private long done;

    /** @param first the index the loop starts from (a resumed run does not count earlier work) */
    public Throughput(long total, long first) {
        this.total = total;
        this.first = first;
        this.done = first;
        this.startNanos = System.nanoTime();
    }

    /** Records that {@code current} iterations are complete. */
    public void update(long current) {
        done = current;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public double iterationsPerSecond() {
        double t = elapsedSeconds();
        return t <= 0 || done == first ? 0 : (done - first) / t;
    }

    /** Seconds left at the current rate, NaN before the first iteration finishes. */
    public double etaSeconds() {
        double r = iterationsPerSecond();
        return r <= 0 ? Double.NaN : (total - done) / r;
    }

    public static String formatSeconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
    }
}
