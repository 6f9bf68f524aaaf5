package org.videoldm.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell split into its parts, in order: line magics ({@code %name args}, one per line, as in IJava) and the Java
 * code between them. Java never starts a line with {@code %}, so a line whose first non-blank character is
 * {@code %} is a magic.
 */
final class CellSource {
    /** One part of a cell. */
    sealed interface Part permits Magic, Code {
    }

    /** {@code %name arg...}; {@code line} is 1-based, for error messages. */
    record Magic(String name, List<String> args, int line) implements Part {
    }

    /** Java source; {@code offset} is where it starts in the cell. */
    record Code(String source, int offset) implements Part {
    }

    private final String text;
    private final List<Part> parts;

    private CellSource(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    static CellSource parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        int codeStart = 0;
        int lineStart = 0;
        int lineNumber = 1;
        while (lineStart <= text.length()) {
            int end = text.indexOf('\n', lineStart);
            int next = end < 0 ? text.length() + 1 : end + 1;
            String line = text.substring(lineStart, end < 0 ? text.length() : end);
            String trimmed = line.strip();
            if (trimmed.startsWith("%")) {
                if (!code.toString().isBlank()) {
                    parts.add(new Code(code.toString(), codeStart));
                }
                code.setLength(0);
                parts.add(magic(trimmed, lineNumber));
                codeStart = next;
            } else {
                code.append(line);
                if (end >= 0) {
                    code.append('\n');
                }
            }
            lineStart = next;
            lineNumber++;
        }
        if (!code.toString().isBlank()) {
            parts.add(new Code(code.toString(), codeStart));
        }
        return new CellSource(text, parts);
    }

    private static Magic magic(String line, int lineNumber) {
        if (line.startsWith("%%")) {
            throw new MagicException("line " + lineNumber + ": cell magics (" + line.split("\\s+")[0]
                    + ") are not supported; this kernel knows the line magics " + ClasspathMagics.NAMES);
        }
        List<String> words = words(line.substring(1), lineNumber);
        if (words.isEmpty()) {
            throw new MagicException("line " + lineNumber + ": '%' without a magic name; this kernel knows " + ClasspathMagics.NAMES);
        }
        return new Magic(words.get(0), words.subList(1, words.size()), lineNumber);
    }

    /** Whitespace-separated words; single or double quotes keep spaces inside a path. */
    static List<String> words(String s, int lineNumber) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new MagicException("line " + lineNumber + ": unclosed " + quote + " in '%" + s + "'");
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    List<Part> parts() {
        return parts;
    }

    /**
     * The cell with every magic line blanked (same length, newlines kept), so that positions in it are positions in
     * the cell: what completion and inspection give to JShell.
     */
    static String javaOnly(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int end = text.indexOf('\n', lineStart);
            String line = text.substring(lineStart, end < 0 ? text.length() : end);
            out.append(line.strip().startsWith("%") ? " ".repeat(line.length()) : line);
            if (end < 0) {
                break;
            }
            out.append('\n');
            lineStart = end + 1;
        }
        return out.toString();
    }
}
