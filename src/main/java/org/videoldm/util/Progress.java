package org.videoldm.util;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work (sampling, training, scans, dataset generation, decoding): a console bar (step, it/s, ETA)
 * redrawn on stderr on a terminal; elsewhere (notebooks, logs, CI) a plain line at most every 15 seconds, and a last
 * one at the end if any was printed, so short loops stay silent; or nothing. {@link Mode#AUTO} chooses by whether
 * there is a terminal; the system property {@code videoldm.progress} ({@code bar|lines|off}) overrides AUTO.
 * Updates may come from several threads (parallel generation).
 */
public final class Progress implements AutoCloseable {
    public enum Mode { AUTO, BAR, LINES, QUIET }

    static final long LINE_INTERVAL_NANOS = 15_000_000_000L;

    private final String task;
    private final long total;
    private final Throughput throughput;
    private final ProgressBar bar;
    private final PrintStream lines;
    private final LongSupplier clock;
    private long lastLine;
    private long current;
    private boolean printedLine;
    private String lastExtra;

    Progress(String task, long total, long first, Mode mode, PrintStream out, LongSupplier clock) {
        this.task = task;
        this.total = total;
        this.current = first;
        this.clock = clock;
        this.lastLine = clock.getAsLong();
        this.throughput = new Throughput(total, first);
        Mode m = resolve(mode);
        this.bar = m == Mode.BAR ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(first, Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(out)).setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" it", 1).build() : null;
        this.lines = m == Mode.LINES ? out : null;
    }

    /** Progress of {@code total} iterations, resuming after {@code first} of them, shown as {@code mode} says. */
    public static Progress start(String task, long total, long first, Mode mode) {
        return new Progress(task, total, first, mode, System.err, System::nanoTime);
    }

    /** Progress of {@code total} iterations from the start, shown as the terminal and {@code videoldm.progress} say. */
    public static Progress start(String task, long total) {
        return start(task, total, 0, Mode.AUTO);
    }

    static Mode resolve(Mode mode) {
        if (mode != Mode.AUTO) {
            return mode;
        }
        String p = System.getProperty("videoldm.progress", "");
        switch (p.toLowerCase(Locale.ROOT)) {
            case "bar": return Mode.BAR;
            case "lines": return Mode.LINES;
            case "off":
            case "quiet": return Mode.QUIET;
            default: return System.console() != null ? Mode.BAR : Mode.LINES;
        }
    }

    public Throughput throughput() {
        return throughput;
    }

    /** Marks {@code done} iterations complete; {@code extra} (loss, sigma, file name, ...) is shown beside the count. */
    public synchronized void update(long done, String extra) {
        current = done;
        throughput.update(done);
        if (bar != null) {
            bar.stepTo(done);
            if (extra != null) {
                bar.setExtraMessage(extra);
            }
        }
        lastExtra = extra;
        if (lines != null) {
            long now = clock.getAsLong();
            if (now - lastLine >= LINE_INTERVAL_NANOS) {
                lastLine = now;
                printedLine = true;
                lines.println(line(extra));
                lines.flush();
            }
        }
    }

    /** Marks {@code done} iterations complete, keeping the last extra text. */
    public synchronized void stepTo(long done) {
        update(done, lastExtra);
    }

    /** Marks {@code n} more iterations complete. */
    public synchronized void stepBy(long n) {
        update(current + n, lastExtra);
    }

    /** Marks one more iteration complete. */
    public void step() {
        stepBy(1);
    }

    /** {@code task: 10/40 (25%) 3.21 it/s ETA 0:00:09 extra}. */
    public synchronized String line(String extra) {
        return String.format(Locale.ROOT, "%s: %d/%d (%d%%) %.2f it/s ETA %s%s", task, current, total,
                total == 0 ? 100 : 100 * current / total, throughput.iterationsPerSecond(),
                Throughput.formatSeconds(throughput.etaSeconds()), extra == null ? "" : " " + extra);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
        if (lines != null && printedLine) {
            lines.println(line(lastExtra));
            lines.flush();
        }
    }
}
