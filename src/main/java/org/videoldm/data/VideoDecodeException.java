package org.videoldm.data;

import java.nio.file.Path;

/**
 * A video that cannot be read. The message names the file, what was found in it (container,
 * codec, profile) and, where re-encoding would help, the ffmpeg command that converts it to something we decode.
 */
public final class VideoDecodeException extends RuntimeException {
    private final transient Path file;
    private final String reason;
    private final transient VideoInfo found;

    public VideoDecodeException(Path file, String reason, VideoInfo found) {
        this(file, reason, found, null);
    }

    public VideoDecodeException(Path file, String reason, VideoInfo found, Throwable cause) {
        super(message(file, reason, found), cause);
        this.file = file;
        this.reason = reason;
        this.found = found;
    }

    public Path file() {
        return file;
    }

    /** The problem alone, without file name, findings or hint. */
    public String reason() {
        return reason;
    }

    /** The message without the leading file name. */
    public String detail() {
        return getMessage().substring(file.toString().length() + 2);
    }

    /** What was found in the file; null if nothing could be read. */
    public VideoInfo found() {
        return found;
    }

    /** The ffmpeg command that turns {@code file} into H.264 Baseline MP4 next to it. */
    public static String conversionCommand(Path file) {
        return "ffmpeg -i " + quote(file.toString()) + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an " + quote(convertedName(file).toString());
    }

    /** {@code NAME.EXT} becomes {@code NAME.baseline.mp4}, a name the dataset scan knows as a copy of NAME. */
    public static Path convertedName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return file.resolveSibling(stem + ".baseline.mp4");
    }

    private static String message(Path file, String reason, VideoInfo found) {
        StringBuilder sb = new StringBuilder().append(file).append(": ").append(reason);
        if (found != null) {
            sb.append(" (found: ").append(found.summary()).append(')');
        }
        if (conversionHelps(reason, found)) {
            sb.append(". To convert it to H.264 Baseline MP4: ").append(conversionCommand(file));
        }
        return sb.toString();
    }

    /**
     * Whether re-encoding with ffmpeg would make the file readable: a video container we recognise holding a codec or
     * profile we cannot decode, or a stream the decoder failed on. Not for missing files, folders, text, images, or
     * files cut short (ffmpeg cannot restore what is not there).
     */
    static boolean conversionHelps(String reason, VideoInfo found) {
        if (found == null || reason.startsWith("truncated") || reason.startsWith("no such file")) {
            return false;
        }
        String c = found.container();
        return !(c.equals(Container.TEXT.label) || c.equals(Container.UNKNOWN.label) || c.equals(Container.EMPTY.label)
                || c.equals(Container.PNG.label) || c.equals(Container.JPEG.label) || c.equals(Container.FRAME_FOLDER.label));
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:+=@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
