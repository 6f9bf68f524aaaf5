package org.videoldm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellSourceTest {
    @Test
    void magicsAndCodeInOrder() {
        String cell = "int a = 1;\n  %jars ../target/videoldm.jar '../my dir/*.jar'\nint b = a + 1;\n%classpath x\n";
        List<CellSource.Part> parts = CellSource.parse(cell).parts();
        assertEquals(4, parts.size());
        CellSource.Code first = assertInstanceOf(CellSource.Code.class, parts.get(0));
        assertEquals("int a = 1;\n", first.source());
        CellSource.Magic jars = assertInstanceOf(CellSource.Magic.class, parts.get(1));
        assertEquals("jars", jars.name());
        assertEquals(List.of("../target/videoldm.jar", "../my dir/*.jar"), jars.args());
        assertEquals(2, jars.line());
        CellSource.Code second = assertInstanceOf(CellSource.Code.class, parts.get(2));
        assertEquals("int b = a + 1;\n", second.source());
        assertEquals(cell.indexOf("int b"), second.offset());
        assertEquals("classpath", assertInstanceOf(CellSource.Magic.class, parts.get(3)).name());
    }

    @Test
    void percentInsideJavaIsCode() {
        List<CellSource.Part> parts = CellSource.parse("int r = 7 % 3;\nString s = \"%jars\";").parts();
        assertEquals(1, parts.size());
        assertInstanceOf(CellSource.Code.class, parts.get(0));
    }

    @Test
    void blankCellHasNoParts() {
        assertTrue(CellSource.parse("  \n\n").parts().isEmpty());
    }

    @Test
    void cellMagicsAndBadQuotesAreNamed() {
        MagicException cellMagic = assertThrows(MagicException.class, () -> CellSource.parse("%%html\n<b>x</b>"));
        assertTrue(cellMagic.getMessage().contains("%%html"), cellMagic.getMessage());
        MagicException quote = assertThrows(MagicException.class, () -> CellSource.parse("int a;\n%jars 'unclosed"));
        assertTrue(quote.getMessage().startsWith("line 2"), quote.getMessage());
    }

    @Test
    void javaOnlyBlanksMagicLinesAndKeepsPositions() {
        String cell = "%jars a.jar\nvar x = List.of(1);\nx.";
        String java = CellSource.javaOnly(cell);
        assertEquals(cell.length(), java.length());
        assertEquals(" ".repeat("%jars a.jar".length()) + "\nvar x = List.of(1);\nx.", java);
    }
}
