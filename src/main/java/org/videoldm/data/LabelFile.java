package org.videoldm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sidecar file of scene labels for your own videos ({@code labels.txt} in a video folder, or any file given with
 * {@code --labels}): the caption file's grammar ({@link CaptionFile}: video, optional range, text) with
 * {@link DrivingLabels} in place of the caption.
 *
 * <pre>
 * # VIDEO [RANGE] labels
 * drive1.mp4 time=day cars=2              (the whole video: by day, two cars around)
 * drive2.mp4 0-4.5 night cars=0
 * drive2.mp4 4.5-end night crowded
 * </pre>
 *
 * Every line's labels are checked when the file is read, so a typo stops training at once with the file and line.
 */
public final class LabelFile {
    /** The usual name of a sidecar label file inside a video folder. */
    public static final String SIDECAR = "labels.txt";

    private LabelFile() {}

    /** Reads and checks a label file; the result is a {@link CaptionFile} whose texts are label strings. */
    public static CaptionFile read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the label file: " + e.getMessage(), e);
        }
    }

    /** Parses and checks the lines of a label file; {@code source} names it in errors. */
    public static CaptionFile parse(List<String> lines, String source) {
        CaptionFile f = CaptionFile.parse(lines, source);
        for (CaptionFile.Entry e : f.entries()) {
            try {
                DrivingLabels.parse(e.text());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ":" + e.line() + ": " + ex.getMessage(), ex);
            }
        }
        return f;
    }
}
