package org.videoldm.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code System.out} and {@code System.err} while a cell runs, sent to the notebook as the cell writes them: every
 * {@code periodMillis}, at an explicit {@code flush()}, when much is pending, and when the cell ends. Training
 * progress thus appears live, also when it is written by other threads than the cell's, and a line written in
 * pieces ({@code print} then {@code println}) is not split into many messages.
 */
final class LiveOutput {
    /** Pending bytes above which the writer sends them itself instead of waiting for the next tick. */
    static final int SEND_AT = 32 * 1024;

    private final Forwarder out;
    private final Forwarder err;
    private final PrintStream outStream;
    private final PrintStream errStream;
    private final long periodMillis;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-output");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> tick;
    private PrintStream savedOut;
    private PrintStream savedErr;

    LiveOutput(PrintStream toOut, PrintStream toErr, PublishGuard guard, long periodMillis) {
        this.out = new Forwarder(toOut, guard);
        this.err = new Forwarder(toErr, guard);
        this.outStream = new PrintStream(out, false, StandardCharsets.UTF_8);
        this.errStream = new PrintStream(err, false, StandardCharsets.UTF_8);
        this.periodMillis = periodMillis;
    }

    /** Routes System.out and System.err here until {@link #end()}. */
    synchronized void begin() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(outStream);
        System.setErr(errStream);
        tick = ticker.scheduleAtFixedRate(this::flush, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Sends what is pending and restores the streams of before {@link #begin()}. */
    synchronized void end() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        flush();
        if (savedOut != null) {
            System.setOut(savedOut);
            System.setErr(savedErr);
            savedOut = null;
            savedErr = null;
        }
    }

    /** Sends what is pending on both streams, stdout first. */
    void flush() {
        outStream.flush();
        errStream.flush();
    }

    /** Collects bytes and hands them on in whole UTF-8 characters. */
    static final class Forwarder extends OutputStream {
        private final PrintStream target;
        private final PublishGuard guard;
        private final Object sending = new Object();
        private byte[] buf = new byte[8192];
        private int count;

        Forwarder(PrintStream target, PublishGuard guard) {
            this.target = target;
            this.guard = guard;
        }

        @Override
        public void write(int b) {
            boolean full;
            synchronized (this) {
                ensure(1);
                buf[count++] = (byte) b;
                full = count >= SEND_AT;
            }
            if (full) {
                flush();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            boolean full;
            synchronized (this) {
                ensure(len);
                System.arraycopy(b, off, buf, count, len);
                count += len;
                full = count >= SEND_AT;
            }
            if (full) {
                flush();
            }
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        @Override
        public void flush() {
            // One sender at a time, so chunks reach the notebook in the order they were written.
            synchronized (sending) {
                byte[] chunk;
                synchronized (this) {
                    int n = completeUtf8(buf, count);
                    if (n == 0) {
                        return;
                    }
                    chunk = Arrays.copyOf(buf, n);
                    System.arraycopy(buf, n, buf, 0, count - n);
                    count -= n;
                }
                guard.run(() -> {
                    target.write(chunk, 0, chunk.length);
                    target.flush();
                });
            }
        }

        /** The length of the longest prefix of {@code b[0..len)} that does not end inside a UTF-8 character. */
        static int completeUtf8(byte[] b, int len) {
            for (int i = len - 1; i >= Math.max(0, len - 4); i--) {
                int v = b[i] & 0xFF;
                if ((v & 0xC0) == 0x80) {
                    continue;   // continuation byte: look further back for the lead byte
                }
                int size = v < 0x80 ? 1 : (v & 0xE0) == 0xC0 ? 2 : (v & 0xF0) == 0xE0 ? 3 : (v & 0xF8) == 0xF0 ? 4 : 1;
                return i + size > len ? i : len;
            }
            return len;
        }
    }
}
