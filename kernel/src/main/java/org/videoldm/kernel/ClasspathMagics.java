package org.videoldm.kernel;

import io.github.spencerpark.jupyter.kernel.util.GlobFinder;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * IJava's classpath magics, with the same glob rules (the base kernel's {@link GlobFinder}, relative to the notebook's
 * folder): {@code %jars GLOB...} adds the files a glob matches ({@code dir/} with a trailing slash: every file in
 * it), {@code %classpath GLOB...} adds matching files and folders. Unlike IJava, a glob that matches nothing is an
 * error naming it, so a notebook opened before the project was built says so instead of failing later on a missing
 * class.
 */
final class ClasspathMagics {
    static final List<String> NAMES = List.of("%jars", "%classpath");

    private final Path workingDir;

    ClasspathMagics(Path workingDir) {
        this.workingDir = workingDir;
    }

    /** The paths to add for {@code magic}, in the order written. */
    List<Path> resolve(CellSource.Magic magic) {
        boolean jars = magic.name().equals("jars");
        if (!jars && !magic.name().equals("classpath")) {
            throw new MagicException("line " + magic.line() + ": unknown magic %" + magic.name() + "; this kernel knows " + NAMES);
        }
        if (magic.args().isEmpty()) {
            throw new MagicException("line " + magic.line() + ": %" + magic.name() + " needs at least one path or glob, e.g. %"
                    + magic.name() + (jars ? " ../target/lib/*.jar" : " ../target/classes"));
        }
        List<Path> out = new ArrayList<>();
        for (String glob : magic.args()) {
            List<Path> found = new ArrayList<>();
            try {
                GlobFinder finder = new GlobFinder(glob);
                for (Path p : jars ? finder.computeMatchingFiles() : finder.computeMatchingPaths()) {
                    found.add(p.toAbsolutePath().normalize());
                }
            } catch (NoSuchFileException e) {
                found.clear();   // a folder in the glob is missing: reported below like any glob matching nothing
            } catch (IOException | RuntimeException e) {
                throw new MagicException("line " + magic.line() + ": %" + magic.name() + " " + glob + ": " + e.getMessage());
            }
            if (found.isEmpty()) {
                throw new MagicException("line " + magic.line() + ": %" + magic.name() + " " + glob + " matches nothing in "
                        + workingDir + (jars ? " (a folder needs a trailing / or a *.jar glob; is the project built?)" : ""));
            }
            found.sort(null);
            out.addAll(found);
        }
        return out;
    }
}
