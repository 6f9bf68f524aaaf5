package org.videoldm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The frames that show a subject to personalise a model on (DreamBooth): a video, an image, or a folder holding images,
 * videos and folders of frames (taken in natural name order as one long sequence). {@code count} frames are taken evenly
 * spaced over all of them, each scaled to cover the frame size and centre-cropped, as training clips are.
 */
public final class SubjectFrames {
    /**
     * @param frames the chosen frames at the requested size
     * @param total frames the subject has in all
     * @param sources the files and folders read, in order
     */
    public record Result(List<RgbFrame> frames, int total, List<Path> sources) {}

    private SubjectFrames() {}

    public static Result read(Path subject, int count, int height, int width, VideoReader reader) {
        if (count < 1) {
            throw new IllegalArgumentException("subject " + subject + ": asked for " + count + " frames");
        }
        if (!Files.exists(subject)) {
            throw new IllegalArgumentException("subject " + subject + ": no such file or folder");
        }
        List<Path> sources = sources(subject);
        // counted first, so that only the chosen frames are kept (a long video does not fill the memory)
        int[] sizes = new int[sources.size()];
        int total = 0;
        for (int i = 0; i < sources.size(); i++) {
            sizes[i] = isImage(sources.get(i)) ? 1 : reader.countFrames(sources.get(i));
            total += sizes[i];
        }
        if (total == 0) {
            throw new IllegalArgumentException("subject " + subject + ": no frames (give a video, an image, or a folder of images or videos)");
        }
        int k = Math.min(count, total);
        java.util.TreeSet<Integer> wanted = new java.util.TreeSet<>();
        for (int i = 0; i < k; i++) {
            wanted.add((int) ((2L * i + 1) * total / (2L * k))); // the middle of each of k equal stretches
        }
        List<RgbFrame> out = new ArrayList<>(k);
        int offset = 0;
        for (int i = 0; i < sources.size(); i++) {
            Path p = sources.get(i);
            int base = offset;
            if (isImage(p)) {
                if (wanted.contains(base)) {
                    out.add(fit(readImage(p), height, width));
                }
            } else if (!wanted.subSet(base, base + sizes[i]).isEmpty()) {
                reader.forEachFrame(p, j -> wanted.contains(base + j), (j, t, f) -> out.add(fit(f, height, width)));
            }
            offset += sizes[i];
        }
        return new Result(out, total, sources);
    }

    private static RgbFrame fit(RgbFrame f, int height, int width) {
        return FrameResize.centerCrop(FrameResize.resizeToCover(f, height, width), height, width);
    }

    private static RgbFrame readImage(Path p) {
        try {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(p.toFile());
            if (img == null) {
                throw new VideoDecodeException(p, "not a readable image", null);
            }
            return RgbFrame.fromImage(img);
        } catch (IOException e) {
            throw new VideoDecodeException(p, "cannot read the image: " + e.getMessage(), null, e);
        }
    }

    private static boolean isImage(Path p) {
        return Files.isRegularFile(p) && FrameFolder.isImage(p);
    }

    /** The subject itself, or what its folder holds that has frames: images, videos, folders of frames. */
    private static List<Path> sources(Path subject) {
        if (!Files.isDirectory(subject)) {
            return List.of(subject);
        }
        try (Stream<Path> s = Files.list(subject)) {
            return s.filter(p -> Files.isDirectory(p) ? !FrameFolder.frames(p).isEmpty()
                            : FrameFolder.isImage(p) || VideoScan.VIDEO_EXTENSIONS.contains(extension(p)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), FrameFolder::naturalCompare))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("subject " + subject + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
