package org.videoldm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.videoldm.util.AtomicFiles;

/**
 * Writes safetensors files that Python's {@code safetensors} reads: 8-byte little-endian header
 * length, JSON header padded with spaces to a multiple of 8, tensors packed in header order. The
 * file is written next to its target and renamed into place, so a crash never leaves half a file.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static void write(Path target, Map<String, NDArray> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            SafetensorsDType dtype = SafetensorsDType.of(a.getDataType());
            long n = a.getShape().size() * dtype.bytes;
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offs.add(offset + n);
            entry.add("data_offsets", offs);
            header.add(e.getKey(), entry);
            offset += n;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = AtomicFiles.temp(dir, "." + target.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    NDArray a = e.getValue();
                    if (a.getShape().size() == 0) {
                        continue;
                    }
                    ByteBuffer data = a.getDataType() == DataType.BOOLEAN ? a.toType(DataType.UINT8, false).toByteBuffer() : a.toByteBuffer();
                    writeFully(ch, data.order(ByteOrder.LITTLE_ENDIAN));
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SafetensorsException(target + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and harmless
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
