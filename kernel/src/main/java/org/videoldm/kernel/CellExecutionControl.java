package org.videoldm.kernel;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell's snippets in this JVM on one long-lived thread, the notebook's "main" thread, and keeps what they
 * return as objects (JShell itself only sees a key), so that the kernel can render a cell's value as HTML or an image.
 *
 * <p>One thread for all cells, as in a program's {@code main}: thread-local state set in one cell holds in the next.
 * libtorch's autograd switch is such state; DJL turns it off on the thread that starts the engine, and a training
 * cell on a fresh thread would find it on and fail on its first in-place parameter update. The thread's context class
 * loader is the snippets' loader, so libraries that find services through it (DJL's engines) see the jars added with
 * {@code %jars}. The kernel waits for the snippet alone: pools and timers a cell starts do not keep it running.
 *
 * <p>{@link #stop()} interrupts the snippet and, if it has not ended after a grace period, stops it with
 * {@link Thread#stop()}: long loops inside library code (training) check no flag, and JDK 17's own in-process JShell
 * stops its threads the same way. The thread survives a stop and serves the next cell; should it die, a new one
 * does.
 */
final class CellExecutionControl extends DirectExecutionControl {
    static final long STOP_GRACE_MILLIS = 500;

    /** One snippet to run, and what it gave. */
    private static final class Task {
        final Method doit;
        final CountDownLatch done = new CountDownLatch(1);
        volatile Object value;
        volatile Throwable thrown;

        Task(Method doit) {
            this.doit = doit;
        }
    }

    private final PublishGuard guard;
    private final Map<String, Object> results = new HashMap<>();
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #current}: a forced stop only while a snippet runs. */
    private final Object busy = new Object();
    private Task current;
    private Thread worker;
    private long nextKey;
    private volatile boolean stopRequested;

    CellExecutionControl(PublishGuard guard) {
        this.guard = guard;
    }

    /** A snippet's wrapper class, {@code REPL.$JShell$12}, and its later versions {@code $JShell$12B}, {@code $JShell$12C}. */
    private static final Pattern WRAPPER = Pattern.compile("(.*\\$JShell\\$\\d+)[A-Z]*");

    /** The latest loaded version of each snippet's wrapper class, by the name of its first version. */
    private final Map<String, Class<?>> wrappers = new HashMap<>();

    /**
     * When an import or a new definition makes JShell recompile an earlier snippet, the JDI-based JShell redefines its
     * class in place and the snippet's variables keep their values. Here classes cannot be redefined, so JShell loads a
     * new version under a new name and, without running the declaration again, the variable would read null (a cell
     * with {@code import a.*; import b.*;} reset {@code var wb} of an earlier cell). The values are carried over from the
     * previous version, field by field where name and type agree; a declaration that runs again overwrites them.
     */
    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(cbcs);
        for (ClassBytecodes cbc : cbcs) {
            Matcher m = WRAPPER.matcher(cbc.name());
            if (!m.matches()) {
                continue;
            }
            try {
                Class<?> now = findClass(cbc.name());
                Class<?> before = wrappers.put(m.group(1), now);
                if (before != null && before != now) {
                    carryOver(before, now);
                }
            } catch (ClassNotFoundException | RuntimeException e) {
                // nothing to carry over: the snippet behaves as JShell alone would have it
            }
        }
    }

    private static void carryOver(Class<?> from, Class<?> to) {
        for (Field f : from.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || Modifier.isFinal(mod)) {
                continue;
            }
            try {
                Field g = to.getDeclaredField(f.getName());
                if (!g.getType().equals(f.getType()) || !Modifier.isStatic(g.getModifiers()) || Modifier.isFinal(g.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                g.setAccessible(true);
                g.set(null, f.get(null));
            } catch (NoSuchFieldException | IllegalAccessException | RuntimeException e) {
                // a field that cannot be read or written keeps JShell's default
            }
        }
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Task task = new Task(doit);
        Thread w = worker();
        queue.put(task);
        while (!task.done.await(100, TimeUnit.MILLISECONDS)) {
            if (!w.isAlive()) {
                break;   // stopped where nothing could finish the task
            }
        }
        if (stopRequested) {
            throw new StoppedException();
        }
        if (task.done.getCount() > 0) {
            throw new InternalException("the notebook thread ended before the snippet did");
        }
        if (task.thrown != null) {
            // DirectExecutionControl turns this into the user exception JShell reports, with its stack trace.
            throw new InvocationTargetException(task.thrown);
        }
        synchronized (results) {
            String key = "videoldm-kernel-value-" + nextKey++;
            results.put(key, task.value);
            return key;
        }
    }

    private synchronized Thread worker() {
        if (worker == null || !worker.isAlive()) {
            worker = new Thread(this::serve, "notebook-main");
            worker.setDaemon(true);
            worker.start();
        }
        return worker;
    }

    private void serve() {
        while (true) {
            Task task = null;
            try {
                task = queue.take();
                Thread.currentThread().setContextClassLoader(task.doit.getDeclaringClass().getClassLoader());
                synchronized (busy) {
                    current = task;
                }
                try {
                    task.value = task.doit.invoke(null);
                } catch (InvocationTargetException e) {
                    task.thrown = e.getCause();
                } finally {
                    synchronized (busy) {
                        current = null;
                    }
                }
            } catch (Throwable e) {
                // A stop or interrupt that landed outside the snippet: the snippet is over either way.
                if (task != null && task.thrown == null) {
                    task.thrown = e;
                }
            } finally {
                Thread.interrupted();
                if (task != null) {
                    task.done.countDown();
                }
            }
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

    private boolean running() {
        synchronized (busy) {
            return current != null;
        }
    }

    @Override
    @SuppressWarnings({"deprecation", "removal"})
    public void stop() {
        stopRequested = true;
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t == null || !running()) {
            return;
        }
        t.interrupt();
        long deadline = System.nanoTime() + STOP_GRACE_MILLIS * 1_000_000;
        while (running() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        guard.run(() -> {
            synchronized (busy) {
                if (current == null) {
                    return;
                }
                try {
                    t.stop();
                } catch (UnsupportedOperationException e) {
                    // JDK 20+: no forced stop; the cell ends when its code next checks Thread.interrupted().
                    System.err.println("videoldm-kernel: this JVM cannot stop running code; the cell stops at its next interruption check");
                }
            }
        });
    }
}
