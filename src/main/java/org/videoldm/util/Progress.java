package org.videoldm.util;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long loop (sampling, training): a console bar (step, it/s, ETA) on a terminal; elsewhere
 * (notebooks, logs) a plain line every 15 seconds, and a last one at the end if any was printed, so short loops
 * stay silent; or nothing. {@link Mode#AUTO} chooses by whether there is a terminal; the system property
 * {@code videoldm.progress} ({@code bar|lines|off}) overrides AUTO, as for the data package's bars.
 */
public final class Progress implements AutoCloseable {
    public enum Mode { AUTO, BAR, LINES, QUIET }

    private static final long LINE_INTERVAL_NANOS = 15_000_000_000L;

    private final String task;
    private final long total;
    private final Throughput throughput;
    private final ProgressBar bar;
    private final PrintStream lines;
    private long lastLine = System.nanoTime();
    private long current;
    private boolean printedLine;
    private String lastExtra;

    private Progress(String task, long total, long first, Mode mode, PrintStream out) {
        this.task = task;
        this.total = total;
        this.current = first;
        this.throughput = new Throughput(total, first);
        Mode m = resolve(mode);
        this.bar = m == Mode.BAR ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(first, java.time.Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" it", 1).build() : null;
        this.lines = m == Mode.LINES ? out : null;
    }

    public static Progress start(String task, long total, long first, Mode mode) {
        return new Progress(task, total, first, mode, System.err);
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

    /** Marks {@code done} iterations complete; {@code extra} (loss, sigma, ...) is shown beside the bar. */
    public void update(long done, String extra) {
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
            long now = System.nanoTime();
            if (now - lastLine >= LINE_INTERVAL_NANOS) {
                lastLine = now;
                printedLine = true;
                lines.println(line(extra));
                lines.flush();
            }
        }
    }

    /** {@code task: 10/40 (25%) 3.21 it/s ETA 0:00:09 extra}. */
    public String line(String extra) {
        return String.format(Locale.ROOT, "%s: %d/%d (%d%%) %.2f it/s ETA %s%s", task, current, total,
                total == 0 ? 100 : 100 * current / total, throughput.iterationsPerSecond(),
                Throughput.formatSeconds(throughput.etaSeconds()), extra == null ? "" : " " + extra);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        if (lines != null && printedLine) {
            lines.println(line(lastExtra));
            lines.flush();
        }
    }
}
