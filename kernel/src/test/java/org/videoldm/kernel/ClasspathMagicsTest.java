package org.videoldm.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathMagicsTest {
    @TempDir
    Path dir;
    private ClasspathMagics magics;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(dir.resolve("lib/classes"));
        for (String name : List.of("lib/b.jar", "lib/a.jar", "lib/notes.txt")) {
            Files.writeString(dir.resolve(name), name);
        }
        magics = new ClasspathMagics(dir);
    }

    private List<Path> resolve(String line) {
        CellSource.Magic magic = (CellSource.Magic) CellSource.parse(line).parts().get(0);
        return magics.resolve(magic);
    }

    private String glob(String relative) {
        return dir.toAbsolutePath() + "/" + relative;
    }

    @Test
    void jarsGlobMatchesFilesSorted() {
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar")), resolve("%jars " + glob("lib/*.jar")));
    }

    @Test
    void folderWithTrailingSlashAddsEveryFileInIt() {
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar"), dir.resolve("lib/notes.txt")),
                resolve("%jars " + glob("lib/")));
    }

    @Test
    void classpathTakesFolders() {
        assertEquals(List.of(dir.resolve("lib/classes")), resolve("%classpath " + glob("lib/classes")));
    }

    @Test
    void globMatchingNothingNamesIt() {
        MagicException e = assertThrows(MagicException.class, () -> resolve("%jars " + glob("missing/*.jar")));
        assertTrue(e.getMessage().contains(glob("missing/*.jar")) && e.getMessage().contains("matches nothing"), e.getMessage());
        // A folder without the trailing slash matches no file, as in IJava: said, not silently ignored.
        assertThrows(MagicException.class, () -> resolve("%jars " + glob("lib")));
    }

    @Test
    void unknownMagicAndMissingArgumentsAreNamed() {
        MagicException unknown = assertThrows(MagicException.class, () -> resolve("%maven a:b:1"));
        assertTrue(unknown.getMessage().contains("%maven") && unknown.getMessage().contains("%jars"), unknown.getMessage());
        MagicException empty = assertThrows(MagicException.class, () -> resolve("%classpath"));
        assertTrue(empty.getMessage().contains("needs at least one"), empty.getMessage());
    }
}
