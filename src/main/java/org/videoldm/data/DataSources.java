package org.videoldm.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where training data comes from, by a short spec: {@code synthetic} (the default) is the procedural driving dataset,
 * rendered into {@code datasets/synthetic/} of the project on first use ({@code synthetic:N}: N clips, into
 * {@code datasets/synthetic-N/}) (deterministic from its seed, and left alone
 * when a matching one is already there); anything else is a folder of videos, relative to the project root unless
 * absolute (e.g. {@code ../shared/datasets/driving}).
 */
public final class DataSources {
    public static final String SYNTHETIC = "synthetic";
    /** The folder of the synthetic dataset, relative to the project root. */
    public static final String SYNTHETIC_DIR = "datasets/synthetic";

    private DataSources() {}

    /**
     * What the synthetic folder holds: {@code clips} procedural clips of {@code frames} frames at
     * {@link SyntheticDriving#FPS}, height x width, from {@code seed}.
     */
    public record Synthetic(int clips, int frames, int height, int width, long seed) {
        /** 200 clips of 16 frames at 64 x 128, seed 0. */
        public static Synthetic defaults() {
            return new Synthetic(200, 16, 64, 128, 0);
        }

        boolean matches(JsonObject manifest) {
            try {
                return manifest.get("seed").getAsLong() == seed && manifest.get("clips").getAsInt() == clips
                        && manifest.get("frames").getAsInt() == frames && manifest.get("height").getAsInt() == height
                        && manifest.get("width").getAsInt() == width && "mp4".equals(manifest.get("format").getAsString());
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** {@link #resolve(String, Path, Synthetic)} with the default synthetic dataset. */
    public static Path resolve(String spec, Path projectRoot) {
        return resolve(spec, projectRoot, Synthetic.defaults());
    }

    /**
     * The folder of videos a spec names; for {@code synthetic} (or null/blank) the procedural folder, rendered now
     * unless a matching one exists.
     */
    public static Path resolve(String spec, Path projectRoot, Synthetic synthetic) {
        if (spec == null || spec.isBlank() || spec.trim().equals(SYNTHETIC)) {
            return synthetic(projectRoot.resolve(SYNTHETIC_DIR), synthetic);
        }
        if (spec.trim().startsWith(SYNTHETIC + ":")) {
            // synthetic:N, N procedural clips of the scale's kind, in a folder of their own
            String n = spec.trim().substring(SYNTHETIC.length() + 1);
            int clips;
            try {
                clips = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("data '" + spec + "': expected synthetic:N with a number of clips");
            }
            if (clips < 2) {
                throw new IllegalArgumentException("data '" + spec + "': at least 2 clips");
            }
            Synthetic s = new Synthetic(clips, synthetic.frames(), synthetic.height(), synthetic.width(), synthetic.seed());
            return synthetic(projectRoot.resolve(SYNTHETIC_DIR + "-" + clips), s);
        }
        Path p = Path.of(spec.trim());
        Path dir = p.isAbsolute() ? p : projectRoot.resolve(p);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data '" + spec + "': no such folder (" + dir.normalize() + "); give 'synthetic' or a folder of videos");
        }
        return dir.normalize();
    }

    /** Whether {@code dir} holds exactly this synthetic dataset (manifest matches, every clip present). */
    public static boolean isSynthetic(Path dir, Synthetic s) {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return false;
        }
        try {
            if (!s.matches(JsonParser.parseString(Files.readString(manifest)).getAsJsonObject())) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        for (int i = 0; i < s.clips(); i++) {
            if (!Files.isRegularFile(dir.resolve(SyntheticDriving.clipName(i) + ".mp4"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Renders the synthetic dataset into {@code dir} unless it is already there. It is written into a sibling folder and
     * renamed into place, so an interrupted run never leaves a folder that looks complete.
     */
    public static Path synthetic(Path dir, Synthetic s) {
        if (isSynthetic(dir, s)) {
            return dir;
        }
        try {
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
            System.err.printf("rendering %d procedural driving clips (%d frames, %dx%d, seed %d) into %s%n", s.clips(), s.frames(), s.height(), s.width(),
                    s.seed(), dir);
            new SyntheticDriving(s.clips(), s.frames(), s.height(), s.width(), s.seed())
                    .writeFolder(tmp, SyntheticDriving.Format.MP4, Runtime.getRuntime().availableProcessors());
            if (Files.exists(dir)) {
                deleteTree(dir); // a different or incomplete synthetic set: generated data, replaced as a whole
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the synthetic dataset: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("manifest.json")) && hasFilesOtherThanClips(dir)) {
            throw new IOException("refusing to replace " + dir + ": it holds files that are not a synthetic dataset");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static boolean hasFilesOtherThanClips(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.anyMatch(p -> !p.getFileName().toString().matches("clip_\\d{5}\\.mp4"));
        }
    }

    /**
     * The project root: the nearest folder upwards from the working directory that holds {@code pom.xml} and the
     * {@code videoldm} launcher (notebooks run from {@code notebooks/}); the working directory if there is none.
     */
    public static Path projectRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isRegularFile(p.resolve("videoldm"))) {
                return p;
            }
        }
        return cwd;
    }
}
