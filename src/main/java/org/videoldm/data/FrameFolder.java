package org.videoldm.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A folder of PNG/JPEG frames read as one video, in natural name order (frame_2 before frame_10).
 * An optional {@code fps.txt} holding a number gives the frame rate.
 */
public final class FrameFolder {
    public static final String FPS_FILE = "fps.txt";

    private FrameFolder() {}

    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp");
    }

    /** The frame files, sorted naturally. */
    public static List<Path> frames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && isImage(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), FrameFolder::naturalCompare))
                    .toList();
        } catch (IOException e) {
            throw new VideoDecodeException(dir, "cannot list the frame folder: " + e.getMessage(), null, e);
        }
    }

    static VideoInfo probe(Path dir) {
        List<Path> frames = frames(dir);
        if (frames.isEmpty()) {
            throw new VideoDecodeException(dir, "folder without PNG or JPEG frames", null);
        }
        int[] size = imageSize(frames.get(0));
        double fps = readFps(dir);
        List<String> notes = Double.isNaN(fps) ? List.of("no " + FPS_FILE + ": frame rate unknown") : List.of();
        return new VideoInfo(dir, Container.FRAME_FOLDER.label, "png/jpeg", null, size[0], size[1], fps, frames.size(),
                frames.size() / fps, "imageio", null, notes);
    }

    static int forEachFrame(Path dir, int limit, IntPredicate wanted, FrameVisitor visitor) {
        List<Path> all = frames(dir);
        List<Path> frames = all.subList(0, Math.min(limit, all.size()));
        double fps = readFps(dir);
        int[] first = null;
        for (int i = 0; i < frames.size(); i++) {
            if (!wanted.test(i)) {
                continue;
            }
            BufferedImage img;
            try {
                img = ImageIO.read(frames.get(i).toFile());
            } catch (IOException e) {
                throw new VideoDecodeException(frames.get(i), "frame " + i + " of " + dir + " cannot be read: " + e.getMessage(), null, e);
            }
            if (img == null) {
                throw new VideoDecodeException(frames.get(i), "frame " + i + " of " + dir + " is not a readable image", null);
            }
            if (first == null) {
                first = new int[] {img.getWidth(), img.getHeight()};
            } else if (img.getWidth() != first[0] || img.getHeight() != first[1]) {
                throw new VideoDecodeException(frames.get(i), "frame " + i + " is " + img.getWidth() + "x" + img.getHeight()
                        + " but the folder's first frame is " + first[0] + "x" + first[1], null);
            }
            visitor.frame(i, i / fps, RgbFrame.fromImage(img));
        }
        return frames.size();
    }

    private static double readFps(Path dir) {
        Path f = dir.resolve(FPS_FILE);
        if (!Files.isRegularFile(f)) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(Files.readString(f).strip());
        } catch (IOException | NumberFormatException e) {
            throw new VideoDecodeException(f, "expected a frame rate (a number) in " + FPS_FILE + ": " + e.getMessage(), null, e);
        }
    }

    private static int[] imageSize(Path image) {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new VideoDecodeException(image, "not a readable image", null);
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw new VideoDecodeException(image, "cannot read the image: " + e.getMessage(), null, e);
        }
    }

    /** Compares names with embedded numbers by value: "f2" before "f10". */
    static int naturalCompare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
