package org.videoldm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.videoldm.util.Progress;

/**
 * Finds the videos under some folders and reads their headers. Files that cannot be decoded are
 * skipped with a warning, never fatal. {@code NAME.baseline.mp4} is taken to be a transcoded copy of
 * {@code NAME.EXT} in the same folder (the name our conversion hint gives), so only one of the two
 * is used: the original if it decodes, else the copy. Both in the data would leak frames across
 * the train/validation split.
 */
public final class VideoScan {
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov", "avi", "mkv", "webm", "gif", "mpg", "mpeg", "ts", "flv", "3gp");
    private static final String COPY_SUFFIX = ".baseline";

    /** A usable video; {@code id} is its path relative to the scanned folder's parent. */
    public record Entry(String id, VideoInfo info) {}

    /** A file left out; {@code error} is set when it could not be decoded. */
    public record Skipped(Path path, String reason, VideoDecodeException error) {}

    public record Result(List<Entry> videos, List<Skipped> skipped) {}

    private VideoScan() {}

    public static Result scan(VideoReader reader, List<Path> roots, Consumer<String> warnings) {
        return scan(reader, roots, true, warnings);
    }

    /**
     * As {@link #scan(VideoReader, List, Consumer)}; with {@code recursive} false only the videos (and frame folders)
     * directly inside each root are taken, not those in sub-folders (an evaluation folder's side products).
     */
    public static Result scan(VideoReader reader, List<Path> roots, boolean recursive, Consumer<String> warnings) {
        Map<Path, String> candidates = new LinkedHashMap<>();
        for (Path root : roots) {
            collect(root, recursive, candidates);
        }
        List<Entry> probed = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (Progress bar = Progress.start("scan", candidates.size())) {
            long done = 0;
            for (Map.Entry<Path, String> c : candidates.entrySet()) {
                bar.update(done, c.getKey().getFileName().toString());
                try {
                    VideoInfo info = reader.probe(c.getKey());
                    if (!info.decodable()) {
                        VideoDecodeException e = new VideoDecodeException(c.getKey(), info.problem(), info);
                        skipped.add(new Skipped(c.getKey(), e.detail(), e));
                    } else if (info.frameCount() == 0) {
                        skipped.add(new Skipped(c.getKey(), "no frames", null));
                    } else {
                        probed.add(new Entry(c.getValue(), info));
                    }
                } catch (VideoDecodeException e) {
                    skipped.add(new Skipped(c.getKey(), e.detail(), e));
                }
                bar.stepTo(++done);
            }
        }
        List<Entry> videos = dropCopies(probed, skipped);
        explainCopies(videos, skipped);
        for (Skipped s : skipped) {
            warnings.accept("warning: skipped " + s.path() + ": " + s.reason());
        }
        return new Result(videos, skipped);
    }

    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Warnings to stderr, each distinct one once per process: notebooks scan the same folder in many cells, and the
     * same skipped files need not be listed every time.
     */
    public static final Consumer<String> WARN_ONCE = w -> {
        if (WARNED.add(w)) {
            System.err.println(w);
        }
    };

    /** Video files under root (or root itself), and folders of frames, with their ids. */
    private static void collect(Path root, boolean recursive, Map<Path, String> out) {
        if (!Files.exists(root)) {
            throw new IllegalArgumentException(root + ": no such file or folder");
        }
        Path base = root.toAbsolutePath().normalize().getParent();
        if (Files.isRegularFile(root) || isFrameFolder(root)) {
            out.put(root, id(base, root));
            return;
        }
        try (Stream<Path> walk = Files.walk(root, recursive ? Integer.MAX_VALUE : 1)) {
            walk.filter(p -> Files.isRegularFile(p) ? VIDEO_EXTENSIONS.contains(extension(p)) : isFrameFolder(p))
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(p -> out.put(p, id(base, p)));
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** At least two images and no video files: a folder of frames rather than a folder of videos. */
    static boolean isFrameFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            long images = files.stream().filter(FrameFolder::isImage).count();
            boolean videos = files.stream().anyMatch(p -> VIDEO_EXTENSIONS.contains(extension(p)));
            return images >= 2 && !videos;
        } catch (IOException e) {
            return false;
        }
    }

    private static String id(Path base, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return (base == null ? abs : base.relativize(abs)).toString().replace('\\', '/');
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The video a file shows: its folder and name without extension or copy suffix. */
    static String sourceKey(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        if (stem.endsWith(COPY_SUFFIX)) {
            stem = stem.substring(0, stem.length() - COPY_SUFFIX.length());
        }
        Path parent = p.toAbsolutePath().normalize().getParent();
        return (parent == null ? "" : parent + "/") + stem;
    }

    private static boolean isCopy(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return (dot > 0 ? n.substring(0, dot) : n).endsWith(COPY_SUFFIX);
    }

    private static List<Entry> dropCopies(List<Entry> probed, List<Skipped> skipped) {
        Map<String, Entry> chosen = new LinkedHashMap<>();
        for (Entry e : probed) {
            String key = sourceKey(e.info().path());
            Entry prev = chosen.get(key);
            if (prev == null) {
                chosen.put(key, e);
                continue;
            }
            // Prefer the original over its copy: the copy went through one more lossy encode.
            boolean takeNew = isCopy(prev.info().path()) && !isCopy(e.info().path());
            Entry keep = takeNew ? e : prev;
            Entry drop = takeNew ? prev : e;
            chosen.put(key, keep);
            skipped.add(new Skipped(drop.info().path(), "same video as " + keep.info().path().getFileName() + ", which is used instead", null));
        }
        return new ArrayList<>(chosen.values());
    }

    /** Undecodable originals whose decodable copy is in use get a calmer reason. */
    private static void explainCopies(List<Entry> videos, List<Skipped> skipped) {
        Map<String, Path> used = new LinkedHashMap<>();
        for (Entry e : videos) {
            used.put(sourceKey(e.info().path()), e.info().path());
        }
        Set<Path> usedPaths = new HashSet<>(used.values());
        for (int i = 0; i < skipped.size(); i++) {
            Skipped s = skipped.get(i);
            Path copy = used.get(sourceKey(s.path()));
            if (copy != null && !usedPaths.contains(s.path()) && s.error() != null) {
                String why = s.error().reason() + "; found: " + (s.error().found() == null ? "?" : s.error().found().summary());
                skipped.set(i, new Skipped(s.path(), "cannot be decoded (" + why + "); its copy " + copy.getFileName() + " is used instead", s.error()));
            }
        }
    }
}
