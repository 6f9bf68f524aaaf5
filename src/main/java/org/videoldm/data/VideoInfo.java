package org.videoldm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a video file holds, read from its headers without decoding pixels.
 *
 * @param codec codec name as ffprobe prints it (h264, mpeg4, gif, ...), or null if unknown
 * @param profile codec profile and level, or null
 * @param fps nominal frame rate; NaN when the file does not say (frame folders without fps.txt)
 * @param frameCount frames shown when the video plays (after the MP4 edit list, if any)
 * @param decoder what will decode it (jcodec, imageio, ffmpeg), or null when nothing can
 * @param problem why it cannot be decoded, or null when it can
 * @param notes facts worth knowing (edit lists, B-frames, ignored audio tracks)
 */
public record VideoInfo(Path path, String container, String codec, String profile, int width, int height, double fps,
                        int frameCount, double durationSeconds, String decoder, String problem, List<String> notes) {
    public VideoInfo {
        notes = List.copyOf(notes);
    }

    public boolean decodable() {
        return problem == null;
    }

    /** The same facts with another decoder (used when ffmpeg takes over from JCodec). */
    public VideoInfo withDecoder(String newDecoder, String note) {
        List<String> n = new ArrayList<>(notes);
        n.add(note);
        return new VideoInfo(path, container, codec, profile, width, height, fps, frameCount, durationSeconds, newDecoder, null, n);
    }

    /** Throws the clear error for an undecodable video; returns this otherwise. */
    public VideoInfo requireDecodable() {
        if (problem != null) {
            throw new VideoDecodeException(path, problem, this);
        }
        return this;
    }

    /** One line for error messages: container, codec, profile, size. */
    public String summary() {
        StringBuilder sb = new StringBuilder("container ").append(container);
        sb.append(", codec ").append(codec == null ? "unknown" : codec);
        if (profile != null) {
            sb.append(", profile ").append(profile);
        }
        if (width > 0) {
            sb.append(", ").append(width).append('x').append(height);
        }
        return sb.toString();
    }

    /** The block printed by {@code videoldm info}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        line(sb, "file", path.toString());
        line(sb, "container", container);
        line(sb, "codec", codec == null ? "unknown" : codec + (profile == null ? "" : " (" + profile + ")"));
        line(sb, "resolution", width > 0 ? width + "x" + height + " (width x height)" : "unknown");
        line(sb, "fps", Double.isNaN(fps) ? "unknown" : formatFps(fps));
        line(sb, "frames", Integer.toString(frameCount));
        line(sb, "duration", Double.isNaN(durationSeconds) ? "unknown" : String.format(Locale.ROOT, "%.3f s", durationSeconds));
        line(sb, "decoder", decoder != null && problem == null ? decoder : "none: " + problem);
        if (problem != null) {
            line(sb, "convert", VideoDecodeException.conversionCommand(path));
        }
        for (String note : notes) {
            line(sb, "note", note);
        }
        return sb.toString();
    }

    /**
     * The nominal rate behind a measured average: within 0.2% of a whole number or of an NTSC rate
     * (24000/1001, 30000/1001, 60000/1001) it is taken to be that rate, as ffprobe reports it.
     */
    public static double nominalFps(double measured) {
        double[] ntsc = {24000.0 / 1001, 30000.0 / 1001, 60000.0 / 1001};
        double best = Math.rint(measured);
        for (double r : ntsc) {
            if (Math.abs(r - measured) < Math.abs(best - measured)) {
                best = r;
            }
        }
        return best > 0 && Math.abs(best - measured) <= 0.002 * best ? best : measured;
    }

    public static String formatFps(double fps) {
        String s = String.format(Locale.ROOT, "%.3f", fps);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-11s %s%n", key + ":", value));
    }
}
