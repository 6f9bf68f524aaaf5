package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DJL's number overloads ({@code x.mul(2f)}, {@code x.div(c)}, {@code x.pow(3)}, ...) wrap the number in a temporary
 * array backed by a Java direct buffer and close it at once. Where autograd saved that operand for the backward pass,
 * the buffer can be freed before the backward runs, and the gradient reads whatever was allocated there since: a
 * wrong or NaN gradient that depends on when the garbage collector ran. The library uses {@link Ops#scale} and friends
 * instead (engine-owned constants); this test reads the compiled classes and fails on any call of those overloads
 * outside the packages that never build an autograd graph (command line, data, metrics, evaluation, notebook display).
 */
class NoJavaScalarOperandsTest {
    static final Pattern CALL = Pattern.compile(
            "Method ai/djl/ndarray/NDArray\\.(mul|muli|div|divi|pow|powi|maximum|minimum|mod|modi):\\(Ljava/lang/Number;\\)");
    static final List<String> NO_AUTOGRAD = List.of("org/videoldm/cli/", "org/videoldm/data/", "org/videoldm/metrics/", "org/videoldm/eval/",
            "org/videoldm/notebook/");

    @Test
    void noNumberOverloadsWhereGradientsFlow() throws IOException {
        Path classes = Path.of("target", "classes");
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        assertTrue(files.size() > 100, "compiled classes under " + classes.toAbsolutePath());
        List<Path> checkedFiles = new ArrayList<>();
        for (Path f : files) {
            String rel = classes.relativize(f).toString().replace('\\', '/');
            if (NO_AUTOGRAD.stream().noneMatch(rel::startsWith)) {
                checkedFiles.add(f);
            }
        }
        int checked = checkedFiles.size();
        List<String> offences = calls(checkedFiles);
        assertTrue(checked > 50, "classes checked: " + checked);
        assertEquals(List.of(), offences, "use Ops.scale / divide / power / scaleInPlace instead of NDArray's number overloads");
    }

    @Test
    void theCheckFindsACallWhenThereIsOne() throws IOException {
        // AdamW used muli(Number) before it moved to Ops; any class still calling an overload must show up.
        Path probe = Path.of("target", "test-classes", "org", "videoldm", "nn", "NoJavaScalarOperandsTest$Offender.class");
        assertEquals(1, calls(List.of(probe)).size());
    }

    static final class Offender {
        static Object scaled(ai.djl.ndarray.NDArray x) {
            return x.mul(2f);
        }
    }

    /** "class, method: NDArray.op(Number)" for each call in the class files (one javap run for all). */
    static List<String> calls(List<Path> classFiles) {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
        List<String> args = new ArrayList<>(List.of("-c", "-p"));
        classFiles.forEach(f -> args.add(f.toString()));
        StringWriter out = new StringWriter();
        javap.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
        List<String> found = new ArrayList<>();
        String type = "?";
        String method = "?";
        for (String line : out.toString().split("\n")) {
            if (!line.startsWith(" ") && line.endsWith("{")) {
                type = line.strip();
            } else if (line.startsWith("  ") && !line.startsWith("   ") && line.contains("(")) {
                method = line.strip();
            }
            Matcher m = CALL.matcher(line);
            if (m.find()) {
                found.add(type + " / " + method + ": NDArray." + m.group(1) + "(Number)");
            }
        }
        return found;
    }
}
