package org.videoldm.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The temporary files that outputs are written to before being renamed into place. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * A new temporary file in {@code dir}, readable by others as a normally created file is ({@code rw-r--r--}):
     * {@link Files#createTempFile} makes it owner-only, and the rename would carry that over to the checkpoint,
     * video or log it becomes.
     */
    public static Path temp(Path dir, String prefix, String suffix) throws IOException {
        Path tmp = Files.createTempFile(dir, prefix, suffix);
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return tmp;
    }
}
