package org.videoldm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LiveOutputTest {
    /** Collects each chunk the forwarder sends, as the notebook would receive it. */
    static final class Chunks extends java.io.OutputStream {
        final List<String> chunks = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            pending.write(b);
        }

        @Override
        public synchronized void flush() {
            if (pending.size() > 0) {
                chunks.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }

        String all() {
            return String.join("", chunks);
        }
    }

    @Test
    void utf8CharactersAreNeverSplit() {
        byte[] bytes = "aé€😀".getBytes(StandardCharsets.UTF_8);   // 1 + 2 + 3 + 4 bytes
        assertEquals(bytes.length, LiveOutput.Forwarder.completeUtf8(bytes, bytes.length));
        assertEquals(1, LiveOutput.Forwarder.completeUtf8(bytes, 2));    // inside é
        assertEquals(3, LiveOutput.Forwarder.completeUtf8(bytes, 5));    // inside €
        assertEquals(6, LiveOutput.Forwarder.completeUtf8(bytes, 9));    // inside the emoji
        assertEquals(6, LiveOutput.Forwarder.completeUtf8(bytes, 6));
    }

    @Test
    void outputArrivesWhileTheCellRunsAndStreamsAreRestored() throws Exception {
        Chunks out = new Chunks();
        Chunks err = new Chunks();
        PrintStream before = System.out;
        LiveOutput live = new LiveOutput(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new PublishGuard(), 50);
        live.begin();
        try {
            // A progress line written by another thread (as a progress bar's timer does), without a flush.
            Thread writer = new Thread(() -> System.err.print("step 1/3\r"));
            writer.start();
            writer.join();
            System.out.print("partial ");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((err.chunks.isEmpty() || out.chunks.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("step 1/3\r", err.all(), "stderr sent before the cell ended");
            assertEquals("partial ", out.all(), "a line in progress is sent too");
            System.out.println("line");
        } finally {
            live.end();
        }
        assertEquals("partial line\n", out.all());
        assertSame(before, System.out);
    }

    @Test
    void explicitFlushSendsAtOnce() throws Exception {
        Chunks out = new Chunks();
        LiveOutput live = new LiveOutput(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new Chunks(), true, StandardCharsets.UTF_8), new PublishGuard(), 60_000);
        live.begin();
        try {
            System.out.print("now");
            assertTrue(out.chunks.isEmpty(), "nothing sent before the flush with a one-minute period");
            System.out.flush();
            assertEquals(List.of("now"), out.chunks);
        } finally {
            live.end();
        }
    }
}
