package org.videoldm.kernel;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The notebooks' Java kernel: cells are JShell snippets and IJava's line magics {@code %jars} and {@code %classpath};
 * values and {@code display(...)} calls become MIME bundles (HTML, PNG, SVG, ...); output streams live; Interrupt
 * stops the running cell; Tab completes and Shift-Tab shows signatures.
 */
final class JShellKernel extends BaseKernel implements AutoCloseable {
    static final long OUTPUT_PERIOD_MILLIS = 100;

    private final PublishGuard guard = new PublishGuard();
    private final Evaluator evaluator = new Evaluator(guard);
    private final ClasspathMagics magics = new ClasspathMagics(Path.of("").toAbsolutePath());
    private final LiveOutput output;
    private final LanguageInfo languageInfo = new LanguageInfo.Builder("java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".jshell")
            .pygments("java")
            .codemirror("java")
            .build();

    JShellKernel() {
        super(StandardCharsets.UTF_8);
        // The base kernel would swap in streams that send only at a newline; LiveOutput sends while a cell runs.
        setShouldReplaceStdStreams(false);
        output = new LiveOutput(getIO().out, getIO().err, guard, OUTPUT_PERIOD_MILLIS);
        Display.attach(this);
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "Java " + Runtime.version() + " (JShell) - videoldm kernel: %jars, %classpath, display(...)";
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        evaluator.beginCell();
        output.begin();
        try {
            Object value = null;
            for (CellSource.Part part : CellSource.parse(code).parts()) {
                if (part instanceof CellSource.Magic magic) {
                    evaluator.addToClasspath(magics.resolve(magic));
                    value = null;
                } else {
                    value = evaluator.eval(((CellSource.Code) part).source());
                }
            }
            if (value == null) {
                return null;
            }
            return value instanceof DisplayData data ? data : getRenderer().render(value);
        } finally {
            output.end();
        }
    }

    /** Publishes {@code data} after the text the cell printed before it; returns its display id. */
    String show(DisplayData data) {
        if (!data.hasDisplayId()) {
            data.setDisplayId(UUID.randomUUID().toString());
        }
        output.flush();
        guard.run(() -> display(data));
        return data.getDisplayId();
    }

    void update(String id, DisplayData data) {
        output.flush();
        guard.run(() -> getIO().display.updateDisplay(id, data));
    }

    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellError cell) {
            return cell.traceback();
        }
        if (e instanceof MagicException) {
            return List.of("error: " + e.getMessage());
        }
        return super.formatError(e);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        CursorSnippet current = CursorSnippet.around(evaluator.analysis(), CellSource.javaOnly(code), at);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = evaluator.analysis().completionSuggestions(current.text(), at - current.offset(), anchor);
        Set<String> options = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> options.add(s.continuation()));
        suggestions.forEach(s -> options.add(s.continuation()));
        return options.isEmpty() ? null : new ReplacementOptions(new ArrayList<>(options), current.offset() + anchor[0], at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        CursorSnippet current = CursorSnippet.around(evaluator.analysis(), CellSource.javaOnly(code), at);
        String text = current.text();
        int cursor = at - current.offset();
        List<SourceCodeAnalysis.Documentation> docs = evaluator.analysis().documentation(text, cursor, extraDetail);
        if (docs.isEmpty()) {
            // JShell documents a call from inside its parentheses; Shift-Tab on a method's name means that call.
            int end = cursor;
            while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
                end++;
            }
            docs = evaluator.analysis().documentation(text.substring(0, end) + "(", end + 1, extraDetail);
        }
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            out.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                out.append(d.javadoc().strip()).append("\n\n");
            }
        }
        return new DisplayData(out.toString().strip());
    }

    @Override
    public String isComplete(String code) {
        String java = CellSource.javaOnly(code);
        SourceCodeAnalysis.CompletionInfo info = evaluator.analysis().analyzeCompletion(java);
        while (info.completeness().isComplete() && !info.remaining().isBlank()) {
            info = evaluator.analysis().analyzeCompletion(info.remaining());
        }
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
            case UNKNOWN -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        close();
    }

    @Override
    public void close() {
        evaluator.close();
    }

    /** The snippet of a cell that holds a cursor, and where it starts in the cell. */
    record CursorSnippet(String text, int offset) {
        /** Walks the complete snippets before {@code at} (magic lines are blank here, so they hold none). */
        static CursorSnippet around(SourceCodeAnalysis analysis, String java, int at) {
            int offset = 0;
            String rest = java;
            while (true) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                if (!info.completeness().isComplete() || info.remaining().isEmpty()) {
                    return new CursorSnippet(rest, offset);
                }
                int consumed = rest.length() - info.remaining().length();
                if (offset + consumed >= at) {
                    return new CursorSnippet(rest.substring(0, consumed), offset);
                }
                offset += consumed;
                rest = info.remaining();
            }
        }
    }
}
