package org.videoldm.data;

import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Console progress bars for scans and generation. On a terminal the bar redraws in place on
 * stderr; elsewhere (logs, notebooks, CI) it prints a plain line every 15 seconds and at the end,
 * so output stays short. {@code -Dvideoldm.progress=off} or {@link #setEnabled} silences it.
 */
public final class Progress {
    private static volatile boolean enabled = !"off".equals(System.getProperty("videoldm.progress"));

    private Progress() {}

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean enabled() {
        return enabled;
    }

    /** Prints a line only when the count has moved since the last one (the final refresh repeats it). */
    private static final class SkipRepeats implements Consumer<String> {
        private String last;

        @Override
        public synchronized void accept(String line) {
            String count = line.replaceAll("\\(.*", "").strip();
            if (!count.equals(last)) {
                last = count;
                System.err.println(line.strip());
            }
        }
    }

    /** A bar counting to {@code total}; close it (try-with-resources) when done. */
    public static ProgressBar start(String task, long total) {
        boolean terminal = System.console() != null;
        ProgressBarConsumer consumer;
        if (!enabled) {
            consumer = new DelegatingProgressBarConsumer(line -> { });
        } else if (terminal) {
            consumer = new ConsoleProgressBarConsumer(System.err);
        } else {
            consumer = new DelegatingProgressBarConsumer(new SkipRepeats(), 100);
        }
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 200 : 15_000)
                .setConsumer(consumer)
                .build();
    }
}
