package org.videoldm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file is, judged by its first bytes rather than its name (a renamed text file must not be
 * sent to the MP4 demuxer and fail with a puzzling message).
 */
public enum Container {
    MP4("mp4"),
    MOV("mov"),
    AVI("avi"),
    GIF("gif"),
    MATROSKA("matroska/webm"),
    MPEG_TS("mpegts"),
    MPEG_PS("mpeg-ps"),
    FLV("flv"),
    PNG("png image"),
    JPEG("jpeg image"),
    FRAME_FOLDER("frame folder"),
    TEXT("text"),
    EMPTY("empty file"),
    UNKNOWN("unknown");

    /** The name printed to users (ffprobe's name where there is one). */
    public final String label;

    Container(String label) {
        this.label = label;
    }

    public static Container sniff(Path path) {
        if (Files.isDirectory(path)) {
            return FRAME_FOLDER;
        }
        if (!Files.exists(path)) {
            throw new VideoDecodeException(path, "no such file", null);
        }
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new VideoDecodeException(path, "cannot read the file: " + e.getMessage(), null, e);
        }
        return classify(head, n);
    }

    static Container classify(byte[] b, int n) {
        if (n == 0) {
            return EMPTY;
        }
        if (n >= 12 && is(b, 4, "ftyp")) {
            return is(b, 8, "qt  ") ? MOV : MP4;
        }
        if (n >= 8 && (is(b, 4, "moov") || is(b, 4, "mdat") || is(b, 4, "wide") || is(b, 4, "free"))) {
            return MOV;
        }
        if (n >= 12 && is(b, 0, "RIFF") && is(b, 8, "AVI ")) {
            return AVI;
        }
        if (n >= 6 && (is(b, 0, "GIF87a") || is(b, 0, "GIF89a"))) {
            return GIF;
        }
        if (n >= 4 && (b[0] & 0xff) == 0x1A && (b[1] & 0xff) == 0x45 && (b[2] & 0xff) == 0xDF && (b[3] & 0xff) == 0xA3) {
            return MATROSKA;
        }
        if (n > 188 && b[0] == 0x47 && b[188] == 0x47) {
            return MPEG_TS;
        }
        if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && (b[3] & 0xff) == 0xBA) {
            return MPEG_PS;
        }
        if (n >= 3 && is(b, 0, "FLV")) {
            return FLV;
        }
        if (n >= 8 && (b[0] & 0xff) == 0x89 && is(b, 1, "PNG")) {
            return PNG;
        }
        if (n >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return JPEG;
        }
        return looksLikeText(b, n) ? TEXT : UNKNOWN;
    }

    /** The first bytes as printable text, for error messages about files that are not videos. */
    static String preview(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(40);
            String s = new String(b, StandardCharsets.UTF_8).replaceAll("\\s+", " ").replaceAll("[^\\x20-\\x7E]", "?").strip();
            return b.length == 40 ? s + "..." : s;
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean is(byte[] b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeText(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            boolean control = c < 0x20 && c != '\n' && c != '\r' && c != '\t';
            if (control || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
