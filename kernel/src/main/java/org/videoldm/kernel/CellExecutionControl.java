package org.videoldm.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell's snippets in this JVM, each on a fresh thread, and keeps what they return as objects (JShell itself
 * only sees a key), so that the kernel can render a cell's value as HTML or an image.
 *
 * <p>The thread's context class loader is the snippets' loader: libraries that look up services through it (DJL
 * finds its engines that way) then see the jars added with {@code %jars}. The kernel waits for that thread alone, so
 * pools and timers a cell starts do not keep the cell running.
 *
 * <p>{@link #stop()} interrupts the thread and, if it has not ended after a grace period, stops it with
 * {@link Thread#stop()}: long loops inside library code (training) check no flag, and JDK 17's own in-process JShell
 * stops its threads the same way.
 */
final class CellExecutionControl extends DirectExecutionControl {
    static final long STOP_GRACE_MILLIS = 500;

    private final PublishGuard guard;
    private final Map<String, Object> results = new HashMap<>();
    private long nextKey;
    private volatile Thread running;
    private volatile boolean stopRequested;

    CellExecutionControl(PublishGuard guard) {
        this.guard = guard;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                value.set(doit.invoke(null));
            } catch (InvocationTargetException e) {
                thrown.set(e.getCause());
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "notebook-cell");
        t.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        running = t;
        try {
            t.start();
            t.join();
        } finally {
            running = null;
        }
        if (stopRequested) {
            throw new StoppedException();
        }
        if (thrown.get() != null) {
            // DirectExecutionControl turns this into the user exception JShell reports, with its stack trace.
            throw new InvocationTargetException(thrown.get());
        }
        synchronized (results) {
            String key = "videoldm-kernel-value-" + nextKey++;
            results.put(key, value.get());
            return key;
        }
    }

    /** The object a snippet returned under {@code key}, or null; each is taken once. */
    Object takeResult(String key) {
        synchronized (results) {
            return results.remove(key);
        }
    }

    /** Drops what no one took, so that a cell's values do not outlive it. */
    void clearResults() {
        synchronized (results) {
            results.clear();
        }
    }

    /** Whether {@link #stop()} was called since the last {@link #resetStop()}. */
    boolean stopRequested() {
        return stopRequested;
    }

    void resetStop() {
        stopRequested = false;
    }

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public void stop() {
        stopRequested = true;
        Thread t = running;
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (t.isAlive()) {
            guard.run(() -> {
                try {
                    t.stop();
                } catch (UnsupportedOperationException e) {
                    // JDK 20+: no forced stop; the cell ends when its code next checks Thread.interrupted().
                    System.err.println("videoldm-kernel: this JVM cannot stop running code; the cell stops at its next interruption check");
                }
            });
        }
    }
}
