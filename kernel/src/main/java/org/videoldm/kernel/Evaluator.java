package org.videoldm.kernel;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * The JShell that evaluates cells. It is built on a background thread as soon as the kernel starts, so that binding
 * the sockets and answering Jupyter never wait for the compiler to warm up.
 */
final class Evaluator implements AutoCloseable {
    /** The imports IJava starts with, so that a cell that runs here runs there too, and IJava's display functions. */
    static final List<String> STARTUP = List.of(
            "import java.util.*;", "import java.io.*;", "import java.math.*;", "import java.net.*;",
            "import java.util.concurrent.*;", "import java.util.prefs.*;", "import java.util.regex.*;",
            "import static org.videoldm.kernel.Display.*;");

    private final CellExecutionControl control;
    private final CompletableFuture<JShell> shell;
    private volatile boolean interrupted;

    Evaluator(PublishGuard guard) {
        this.control = new CellExecutionControl(guard);
        this.shell = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                shell.complete(create());
            } catch (Throwable e) {
                shell.completeExceptionally(e);
            }
        }, "jshell-start");
        starter.setDaemon(true);
        starter.start();
    }

    private JShell create() throws CellError {
        JShell js = JShell.builder().executionEngine(new CellExecutionControlProvider(control), Map.of()).build();
        for (String snippet : STARTUP) {
            evalSnippet(js, snippet);
        }
        control.clearResults();
        return js;
    }

    private JShell shell() {
        try {
            return shell.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("JShell did not start: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while JShell was starting", e);
        }
    }

    /** Prepares for a new cell: an interrupt of the previous one no longer counts. */
    void beginCell() {
        interrupted = false;
        control.resetStop();
    }

    /** Evaluates Java source (any number of snippets) and returns the value of the last one, or null. */
    Object eval(String source) throws CellError {
        JShell js = shell();
        SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
        Object last = null;
        try {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(source);
            while (info.completeness().isComplete()) {
                checkInterrupted();
                // Without the line break before it, a second import in a cell would make JShell recompile the
                // declarations of earlier cells and (in-process) reset their variables to null.
                last = evalSnippet(js, info.source().strip());
                info = analysis.analyzeCompletion(info.remaining());
            }
            if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
                throw new CellError("compilation error: incomplete code at the end of the cell",
                        List.of("incomplete code at the end of the cell:", info.remaining().strip()));
            }
            return last;
        } finally {
            control.clearResults();
        }
    }

    private Object evalSnippet(JShell js, String source) throws CellError {
        List<SnippetEvent> events = js.eval(source);
        if (control.stopRequested()) {
            throw interruptedError();
        }
        Object value = null;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;   // a snippet re-evaluated because this one changed a definition it uses
            }
            Snippet snippet = event.snippet();
            if (event.exception() != null) {
                throw userError(event.exception());
            }
            if (!event.status().isDefined()) {
                throw compilationError(js, snippet);
            }
            if (event.value() != null && snippet.subKind().isExecutable()) {
                Object v = control.takeResult(event.value());
                switch (snippet.subKind()) {
                    case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> value = v;
                    default -> value = null;
                }
            }
        }
        return value;
    }

    private void checkInterrupted() throws CellError {
        if (interrupted || control.stopRequested()) {
            throw interruptedError();
        }
    }

    private static CellError interruptedError() {
        return new CellError("interrupted", List.of("the cell was interrupted (Ctrl-C / Interrupt kernel)"));
    }

    private static CellError compilationError(JShell js, Snippet snippet) {
        List<String> lines = new ArrayList<>();
        String source = snippet.source();
        List<Diag> diags = js.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        for (Diag d : diags) {
            lines.add("error: " + d.getMessage(Locale.ROOT));
            lines.addAll(pointAt(source, (int) d.getStartPosition(), (int) d.getEndPosition()));
        }
        if (snippet instanceof DeclarationSnippet declaration) {
            List<String> missing = js.unresolvedDependencies(declaration).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                lines.add("error: " + declaration.subKind() + " uses what is not defined: " + String.join(", ", missing));
            }
        }
        if (lines.isEmpty()) {
            lines.add("error: JShell rejected this code (" + js.status(snippet) + "):");
            lines.add(source.strip());
        }
        String first = diags.isEmpty() ? lines.get(0) : diags.get(0).getMessage(Locale.ROOT).lines().findFirst().orElse("");
        return new CellError("compilation error: " + first, lines);
    }

    /** The source line holding {@code start}, and a caret line under {@code start..end}. */
    static List<String> pointAt(String source, int start, int end) {
        if (start < 0 || start > source.length()) {
            return List.of();
        }
        int lineStart = start == 0 ? 0 : source.lastIndexOf('\n', start - 1) + 1;
        int lineEnd = source.indexOf('\n', start);
        if (lineEnd < 0) {
            lineEnd = source.length();
        }
        String line = source.substring(lineStart, lineEnd);
        int width = Math.max(1, Math.min(end, lineEnd) - start);
        return List.of("    " + line, "    " + " ".repeat(start - lineStart) + "^".repeat(width));
    }

    private static CellError userError(JShellException e) {
        if (e instanceof UnresolvedReferenceException unresolved) {
            return new CellError("compilation error: uses an undefined " + unresolved.getSnippet().subKind(),
                    List.of("error: " + unresolved.getSnippet().source().strip() + " is used but not defined (fix the cell that declares it)"));
        }
        List<String> lines = new ArrayList<>();
        Throwable t = e;
        String prefix = "";
        while (t != null) {
            String name = t instanceof EvalException eval ? eval.getExceptionClassName() : t.getClass().getName();
            lines.add(prefix + name + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement frame : t.getStackTrace()) {
                lines.add("\tat " + frame);
            }
            t = t.getCause();
            prefix = "Caused by: ";
        }
        return new CellError(lines.get(0), lines, e.getStackTrace());
    }

    /** Adds classpath entries for compiling and for loading the cells' classes. */
    void addToClasspath(List<Path> entries) {
        if (!entries.isEmpty()) {
            shell().addToClasspath(entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        }
    }

    /** JShell's analysis, once it has started (completion and inspection wait for it like cells do). */
    SourceCodeAnalysis analysis() {
        return shell().sourceCodeAnalysis();
    }

    /** Stops the running cell: from the control channel while the shell channel waits for the cell. */
    void interrupt() {
        interrupted = true;
        control.stop();
    }

    @Override
    public void close() {
        if (shell.isDone() && !shell.isCompletedExceptionally()) {
            shell.join().close();
        }
    }
}
