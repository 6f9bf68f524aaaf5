package org.videoldm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsWriter;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writtenCheckpointsAreReadableByOthersLikeAnyNewFile() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(AtomicFiles.temp(dir, "x", ".tmp"))));
        Path file = dir.resolve("w.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter.write(file, Map.of("w", m.ones(new ai.djl.ndarray.types.Shape(2))), Map.of());
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
