package org.videoldm.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/** Progress bars on the terminal's error stream, and silence when there is no terminal (logs, notebooks, tests). */
final class Progress {
    private Progress() {}

    static ProgressBarConsumer consumer() {
        if (System.console() != null) {
            return new ConsoleProgressBarConsumer(System.err);
        }
        return new ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return 80;
            }

            @Override
            public void accept(String rendered) {
            }

            @Override
            public void close() {
            }
        };
    }
}
