package org.videoldm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an AVI's RIFF headers (stream list, frame rate, length, codec fourcc) so that
 * {@code info} can say what the file holds even though nothing in pure Java decodes it.
 */
final class AviHeader {
    /** The headers and the first video chunks sit at the start of the file. */
    private static final int HEAD_BYTES = 1 << 20;

    private AviHeader() {}

    static VideoInfo probe(Path path) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw new VideoDecodeException(path, "cannot read the file: " + e.getMessage(), null, e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Streams s = new Streams();
        walk(b, 12, bytes.length, s);
        if (s.videoHandler == null) {
            throw new VideoDecodeException(path, "no video stream in the AVI headers", Mp4Index.bareInfo(path, Container.AVI, null, null, ""));
        }
        String codec = CodecNames.fromAviFourcc(s.compression != null ? s.compression : s.videoHandler);
        String profile = codec.equals("mpeg4") && s.moviStart > 0
                ? CodecNames.mpeg4ProfileFromStream(Arrays.copyOfRange(bytes, s.moviStart, bytes.length), bytes.length - s.moviStart)
                : null;
        double fps = s.scale > 0 ? s.rate / (double) s.scale : Double.NaN;
        String what = codec.equals("mpeg4") ? "MPEG-4 Part 2 video" : codec + " video";
        String problem = what + " in an AVI container: the pure-Java decoder (JCodec) reads H.264 in MP4 only";
        return new VideoInfo(path, Container.AVI.label, codec, profile, s.width, Math.abs(s.height), fps, (int) s.length,
                s.length / fps, null, problem, s.notes);
    }

    private static final class Streams {
        String videoHandler;
        String compression;
        long scale;
        long rate;
        long length;
        int width;
        int height;
        int moviStart = -1;
        boolean inVideoStream;
        final List<String> notes = new ArrayList<>();
    }

    /** Walks RIFF chunks in [from, to); LIST chunks are entered. */
    private static void walk(ByteBuffer b, int from, int to, Streams s) {
        int pos = from;
        while (pos + 8 <= to) {
            String id = fourcc(b, pos);
            long size = b.getInt(pos + 4) & 0xffffffffL;
            int data = pos + 8;
            int end = (int) Math.min(to, data + size);
            if (id.equals("LIST") && data + 4 <= to) {
                String type = fourcc(b, data);
                if (type.equals("movi")) {
                    s.moviStart = data + 4;
                    return;
                }
                walk(b, data + 4, end, s);
            } else if (id.equals("strh") && data + 36 <= to) {
                String kind = fourcc(b, data);
                s.inVideoStream = kind.equals("vids") && s.videoHandler == null;
                if (s.inVideoStream) {
                    s.videoHandler = fourcc(b, data + 4);
                    s.scale = b.getInt(data + 20) & 0xffffffffL;
                    s.rate = b.getInt(data + 24) & 0xffffffffL;
                    s.length = b.getInt(data + 32) & 0xffffffffL;
                } else if (kind.equals("auds")) {
                    s.notes.add("audio stream ignored");
                }
            } else if (id.equals("strf") && s.inVideoStream && data + 20 <= to) {
                s.width = b.getInt(data + 4);
                s.height = b.getInt(data + 8);
                s.compression = fourcc(b, data + 16);
                s.inVideoStream = false;
            }
            pos = data + (int) ((size + 1) & ~1L);
        }
    }

    private static String fourcc(ByteBuffer b, int at) {
        byte[] f = new byte[4];
        b.get(at, f);
        return new String(f, StandardCharsets.ISO_8859_1);
    }
}
