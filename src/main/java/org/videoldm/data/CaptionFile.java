package org.videoldm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sidecar caption file for your own videos ({@code captions.txt} in a video folder, or any file given with
 * {@code --captions}): one caption per line for a whole video or a stretch of it.
 *
 * <pre>
 * # comment
 * drive1.mp4 a sunny highway with light traffic              (the whole video)
 * drive2.mp4 0-4.5 rain on a city street, wipers moving      (seconds; half-open: 0 &lt;= t &lt; 4.5)
 * drive2.mp4 4.5-end the street opens onto a motorway
 * "my drive.mov" 120f-240f a tunnel at night                  (frames 120 to 239; quotes for names with spaces)
 * </pre>
 *
 * The video is named by its path relative to the caption file's folder (or to the data folder, for a file given on
 * the command line); a {@code NAME.baseline.mp4} copy takes the captions of {@code NAME.EXT}. A clip gets the caption
 * whose range holds the middle of the clip's frames; a clip outside every range has no caption. Ranges of one video
 * must not overlap. A range is the second field when it has the form {@code START-END} (seconds, optionally with
 * {@code s}, or frames with {@code f}; END may be {@code end}); {@code *} stands for the whole video, so a caption
 * that itself begins like a range can be written {@code drive1.mp4 * 3-4 cars ahead}.
 */
public final class CaptionFile {
    /** The usual name of a sidecar file inside a video folder. */
    public static final String SIDECAR = "captions.txt";

    private static final Pattern RANGE = Pattern.compile("(\\d+(?:\\.\\d*)?)([sf]?)-(?:(\\d+(?:\\.\\d*)?)([sf]?)|end)", Pattern.CASE_INSENSITIVE);

    /**
     * One line: {@code start} and {@code end} in seconds or, with {@code frames}, frame indices; {@code end} is
     * infinite for {@code end} or a whole-video line.
     */
    public record Entry(String video, double start, double end, boolean frames, String text, int line) {
        /** Whether this line's range holds {@code position} (in frames; seconds are converted with {@code fps}). */
        boolean holds(double position, double fps) {
            double scale = frames || (start == 0 && Double.isInfinite(end)) ? 1 : fps;
            return position >= start * scale && position < end * scale;
        }

        String range() {
            if (start == 0 && Double.isInfinite(end)) {
                return "whole video";
            }
            String unit = frames ? "f" : "s";
            return fmt(start) + unit + "-" + (Double.isInfinite(end) ? "end" : fmt(end) + unit);
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    private final String source;
    private final List<Entry> entries;

    private CaptionFile(String source, List<Entry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
    }

    public static CaptionFile read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the caption file: " + e.getMessage(), e);
        }
    }

    /** Parses the lines of a caption file; {@code source} names it in errors. */
    public static CaptionFile parse(List<String> lines, String source) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Entry e = parseLine(line, source, i + 1);
            for (Entry other : out) {
                if (sameVideo(other.video(), e.video()) && overlap(other, e)) {
                    throw new IllegalArgumentException(source + ":" + e.line() + ": the range " + e.range() + " of " + e.video()
                            + " overlaps line " + other.line() + " (" + other.range() + ")");
                }
            }
            out.add(e);
        }
        return new CaptionFile(source, out);
    }

    private static Entry parseLine(String line, String source, int number) {
        String where = source + ":" + number + ": ";
        String video;
        String rest;
        if (line.startsWith("\"")) {
            int close = line.indexOf('"', 1);
            if (close < 0) {
                throw new IllegalArgumentException(where + "the quoted video name has no closing quote");
            }
            video = line.substring(1, close);
            rest = line.substring(close + 1).strip();
        } else {
            String[] parts = line.split("\\s+", 2);
            video = parts[0];
            rest = parts.length > 1 ? parts[1] : "";
        }
        if (video.isBlank()) {
            throw new IllegalArgumentException(where + "no video name");
        }
        String[] fields = rest.split("\\s+", 2);
        double start = 0;
        double end = Double.POSITIVE_INFINITY;
        boolean frames = false;
        Matcher m = RANGE.matcher(fields[0]);
        if (fields[0].equals("*")) {
            rest = fields.length > 1 ? fields[1] : "";
        } else if (m.matches()) {
            String u1 = m.group(2).toLowerCase(Locale.ROOT);
            String u2 = m.group(4) == null ? u1 : m.group(4).toLowerCase(Locale.ROOT);
            if (!u1.equals(u2) && !(u1.isEmpty() && u2.equals("s")) && !(u1.equals("s") && u2.isEmpty())) {
                throw new IllegalArgumentException(where + "the range '" + fields[0] + "' mixes seconds and frames");
            }
            frames = u1.equals("f") || u2.equals("f");
            start = Double.parseDouble(m.group(1));
            end = m.group(3) == null ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
            if (!(end > start)) {
                throw new IllegalArgumentException(where + "the range '" + fields[0] + "' is empty (its end is not after its start)");
            }
            rest = fields.length > 1 ? fields[1] : "";
        } else if (fields[0].matches("[\\d.]+[sf]?-.*")) {
            throw new IllegalArgumentException(where + "'" + fields[0] + "' is not a range: write START-END in seconds (0-4.5, 2s-end) or frames "
                    + "(120f-240f), or '*' before a caption that starts like this");
        }
        String text = rest.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(where + "no caption text after '" + line + "'");
        }
        return new Entry(video.replace('\\', '/'), start, end, frames, text, number);
    }

    private static boolean overlap(Entry a, Entry b) {
        if (a.frames() != b.frames() && !(isWhole(a) || isWhole(b))) {
            return false; // seconds against frames: only the frame rate could tell, checked when clips are looked up
        }
        return a.start() < b.end() && b.start() < a.end();
    }

    private static boolean isWhole(Entry e) {
        return e.start() == 0 && Double.isInfinite(e.end());
    }

    public String source() {
        return source;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Whether some line names the video at {@code relativePath} (or the original a {@code .baseline.mp4} copy stands for). */
    public boolean names(String relativePath) {
        return entries.stream().anyMatch(e -> matches(e.video(), relativePath));
    }

    /**
     * The caption of the clip made of frames {@code firstFrame..lastFrame} of the video at {@code relativePath}, or null.
     *
     * @param fps the video's frame rate (needed only for ranges in seconds)
     */
    public String caption(String relativePath, int firstFrame, int lastFrame, double fps) {
        double middle = (firstFrame + lastFrame + 1) / 2.0;
        Entry found = null;
        for (Entry e : entries) {
            if (!matches(e.video(), relativePath)) {
                continue;
            }
            if (!e.frames() && !isWhole(e) && !(fps > 0)) {
                throw new IllegalArgumentException(source + ":" + e.line() + ": the range " + e.range() + " is in seconds, but the frame rate of "
                        + relativePath + " is unknown (give its range in frames, e.g. 0f-120f, or add an fps.txt)");
            }
            if (e.holds(middle, fps)) {
                if (found != null) {
                    throw new IllegalArgumentException(source + ":" + e.line() + ": the range " + e.range() + " of " + e.video() + " overlaps line "
                            + found.line() + " (" + found.range() + ") at frame " + middle);
                }
                found = e;
            }
        }
        return found == null ? null : found.text();
    }

    /**
     * Whether a caption line's video name means the video at {@code relativePath}: the same path, or the same path once
     * a {@code .baseline.mp4} copy is read as its original and extensions are ignored; a name without folders may match a
     * video in a sub-folder of the same name.
     */
    static boolean matches(String named, String relativePath) {
        String a = stem(named.startsWith("./") ? named.substring(2) : named);
        String b = stem(relativePath);
        return a.equals(b) || b.endsWith("/" + a);
    }

    static boolean sameVideo(String a, String b) {
        return stem(a).equals(stem(b));
    }

    private static String stem(String path) {
        String p = path.replace('\\', '/');
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".baseline.mp4")) {
            return p.substring(0, p.length() - ".baseline.mp4".length());
        }
        int slash = p.lastIndexOf('/');
        int dot = p.lastIndexOf('.');
        return dot > slash + 1 ? p.substring(0, dot) : p;
    }
}
