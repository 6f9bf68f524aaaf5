package org.videoldm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The top-level boxes of an MP4 file (ftyp, mdat, moov, ...). JCodec's demuxer reports a missing
 * or cut movie header vaguely; walking the boxes ourselves tells a truncated file apart from one
 * that is not an MP4, and gives the byte range that holds the media data.
 */
record Mp4TopLevel(long fileSize, List<Box> boxes) {
    record Box(String type, long offset, long size) {
        long end() {
            return offset + size;
        }
    }

    static Mp4TopLevel read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            List<Box> boxes = new ArrayList<>();
            long pos = 0;
            ByteBuffer head = ByteBuffer.allocate(16);
            while (pos + 8 <= size) {
                head.clear();
                ch.read(head, pos);
                head.flip();
                long boxSize = head.getInt() & 0xffffffffL;
                byte[] type = new byte[4];
                head.get(type);
                if (boxSize == 1 && head.remaining() >= 8) {
                    boxSize = head.getLong();
                } else if (boxSize == 0) {
                    boxSize = size - pos;
                }
                if (boxSize < 8) {
                    break;
                }
                boxes.add(new Box(new String(type, StandardCharsets.ISO_8859_1), pos, boxSize));
                pos += boxSize;
            }
            return new Mp4TopLevel(size, boxes);
        }
    }

    Box find(String type) {
        return boxes.stream().filter(b -> b.type.equals(type)).findFirst().orElse(null);
    }

    /** The first box that claims more bytes than the file has, or null. */
    Box cut() {
        return boxes.stream().filter(b -> b.end() > fileSize).findFirst().orElse(null);
    }

    /** Explains why there is no usable movie header. */
    String missingMoovReason() {
        Box cut = cut();
        if (cut != null) {
            return String.format(Locale.ROOT,
                    "truncated file: the '%s' box at byte %d declares %d bytes, but the file ends after %d bytes, and the movie header ('moov' box) is missing",
                    cut.type, cut.offset, cut.size, fileSize);
        }
        return "no movie header ('moov' box): the file is incomplete or not an MP4";
    }
}
