package org.videoldm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One in-process JShell for all tests: starting one costs seconds. */
class EvaluatorTest {
    private static Evaluator evaluator;

    @BeforeAll
    static void start() {
        evaluator = new Evaluator(new PublishGuard());
    }

    @AfterAll
    static void close() {
        evaluator.close();
    }

    private static Object eval(String code) throws CellError {
        evaluator.beginCell();
        return evaluator.eval(code);
    }

    @Test
    void lastExpressionIsTheObjectItself() throws CellError {
        Object value = eval("int a = 20;\nvar list = new ArrayList<Integer>();\nlist.add(a + 22);\nlist");
        assertEquals(List.of(42), value);
        assertInstanceOf(StringBuilder.class, eval("new StringBuilder(\"sb\")"));
    }

    @Test
    void variablesKeepTheirValuesWhenALaterCellRecompilesTheirSnippet() throws CellError {
        eval("class Holder { static int made = 0; final int id = ++made; }");
        eval("var held = new Holder();\nvar text = \"kept\";\nint count = 7;");
        // imports that bring new simple names make JShell recompile earlier snippets
        eval("import java.util.function.*;\nimport java.util.stream.*;\nimport java.nio.file.*;");
        eval("class Other { }");
        assertEquals("kept", eval("text"));
        assertEquals(7, eval("count"));
        assertEquals(1, eval("held.id"), "the object itself, not a new one");
        // a declaration that runs again still gives the new value
        assertEquals("new", eval("var text = \"new\";\ntext"));
    }

    @Test
    void redefiningAMethodKeepsTheVariablesItsOldVersionComputed() throws CellError {
        // JShell recompiles the declaration of 'computed' when 'source()' changes; it keeps its value, as the
        // out-of-process JShell does, rather than reading null
        eval("String source() { return \"first\"; }\nvar computed = source();");
        eval("String source() { return \"second\"; }");
        assertEquals("first", eval("computed"));
        assertEquals("second", eval("source()"));
    }

    @Test
    void statementsAndDeclarationsHaveNoValue() throws CellError {
        assertNull(eval("int unused = 5;"));
        assertNull(eval("{ String s = \"block\"; }"));
    }

    @Test
    void compilationErrorPointsAtTheCode() {
        CellError e = assertThrows(CellError.class, () -> eval("int ok = 1;\nint bad = \"text\";"));
        assertTrue(e.getMessage().startsWith("compilation error: incompatible types"), e.getMessage());
        List<String> tb = e.traceback();
        assertTrue(tb.contains("    int bad = \"text\";"), tb.toString());
        assertTrue(tb.contains("              ^^^^^^"), tb.toString());
    }

    @Test
    void exceptionNamesItsClassAndStopsTheCell() throws CellError {
        CellError e = assertThrows(CellError.class, () -> eval("int before = 1;\nif (true) throw new IllegalStateException(\"boom\");\nint after = 2;"));
        assertEquals("java.lang.IllegalStateException: boom", e.getMessage());
        assertEquals(1, eval("before"));
        CellError undefined = assertThrows(CellError.class, () -> eval("after"));
        assertTrue(undefined.getMessage().startsWith("compilation error"), undefined.getMessage());
    }

    @Test
    void cellThreadSeesTheSnippetClassLoader() throws CellError {
        assertEquals(true, eval("Thread.currentThread().getContextClassLoader() == new Object(){}.getClass().getClassLoader()"));
    }

    @Test
    void displayFunctionsAreImported() {
        // Outside a running kernel they say what they need instead of failing to compile.
        CellError e = assertThrows(CellError.class, () -> eval("display(\"x\", \"text/html\")"));
        assertTrue(e.getMessage().contains("need the videoldm Java kernel"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void interruptStopsABusyLoop() throws Exception {
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException ignored) {
                return;
            }
            evaluator.interrupt();
        });
        interrupter.start();
        long t0 = System.nanoTime();
        CellError e = assertThrows(CellError.class, () -> eval("long spins = 0;\nwhile (true) { spins++; }"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("interrupted", e.getMessage());
        assertTrue(seconds < 10, "stopped after " + seconds + " s");
        assertTrue((Long) eval("spins") > 0);
        assertEquals(3, eval("1 + 2"), "the next cell runs");
    }

    @Test
    @Timeout(30)
    void cellsShareOneThreadAcrossAnInterrupt() throws Exception {
        eval("ThreadLocal<String> state = new ThreadLocal<>();\nstate.set(\"kept\");");
        assertEquals("kept", eval("state.get()"), "thread-local state of one cell holds in the next");
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException ignored) {
                return;
            }
            evaluator.interrupt();
        });
        interrupter.start();
        assertThrows(CellError.class, () -> eval("while (true) { Math.sqrt(2); }"));
        assertEquals("kept", eval("state.get()"), "and after a forced stop");
    }
}
