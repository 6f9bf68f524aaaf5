package org.videoldm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared read-only material that sits next to the project checkout ({@code ../shared}). */
public final class TestPaths {
    private TestPaths() {}

    public static Path shared() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("conformance"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find ../shared next to the project (looked upwards from " + dir + ")");
    }

    public static Path conformance() {
        return shared().resolve("conformance");
    }
}
