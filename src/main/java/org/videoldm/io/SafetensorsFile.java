package org.videoldm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a safetensors file lazily: the header is parsed and validated on open, each tensor is
 * memory-mapped only when asked for. Unlike {@code NDList.decode}, this opens files of any size
 * (real Stable Diffusion and SVD checkpoints are 2 to 10 GB).
 */
public final class SafetensorsFile implements Closeable {
    /** The format caps the header at 100 MB; anything larger is a corrupt length field. */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new SafetensorsException(path + ": no such file");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            SafetensorsFile f = parse(path, ch);
            ch = null;
            return f;
        } catch (IOException e) {
            throw new SafetensorsException(path + ": cannot read: " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the parse error is the one to report
                }
            }
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsException(path + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 1 || headerLen > MAX_HEADER) {
            throw new SafetensorsException(path + ": bad header length " + Long.toUnsignedString(headerLen) + " (must be 2.." + MAX_HEADER + "): not a safetensors file or corrupt");
        }
        if (8 + headerLen > size) {
            throw new SafetensorsException(path + ": truncated: header claims " + headerLen + " bytes but the file has only " + (size - 8) + " after the length field");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        String json = new String(hb.array(), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            JsonElement root = JsonParser.parseString(json);
            if (!root.isJsonObject()) {
                throw new SafetensorsException(path + ": header is JSON but not an object");
            }
            header = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new SafetensorsException(path + ": header is not valid JSON: " + e.getMessage(), e);
        }
        long dataLen = size - 8 - headerLen;
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!e.getValue().isJsonObject()) {
                    throw new SafetensorsException(path + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive()) {
                        throw new SafetensorsException(path + ": __metadata__ value '" + m.getKey() + "' is not a string");
                    }
                    meta.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            infos.put(name, parseEntry(path, name, e.getValue(), dataLen));
        }
        checkOverlaps(path, infos.values());
        return new SafetensorsFile(path, ch, 8 + headerLen, Collections.unmodifiableMap(infos), Collections.unmodifiableMap(meta));
    }

    private static TensorInfo parseEntry(Path path, String name, JsonElement value, long dataLen) {
        String where = path + ": tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw new SafetensorsException(where + ": header entry is not an object");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dt = o.get("dtype");
        JsonElement sh = o.get("shape");
        JsonElement off = o.get("data_offsets");
        if (dt == null || sh == null || off == null || !sh.isJsonArray() || !off.isJsonArray() || off.getAsJsonArray().size() != 2) {
            throw new SafetensorsException(where + ": header entry needs dtype, shape and data_offsets [begin, end]");
        }
        SafetensorsDType dtype = SafetensorsDType.parse(dt.getAsString());
        if (dtype == null) {
            throw new SafetensorsException(where + ": unsupported dtype " + dt.getAsString() + " (supported: F64 F32 F16 BF16 I64 I32 I8 U8 BOOL)");
        }
        JsonArray shapeArr = sh.getAsJsonArray();
        long[] dims = new long[shapeArr.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shapeArr.get(i).getAsLong();
            if (dims[i] < 0) {
                throw new SafetensorsException(where + ": negative dimension in shape " + shapeArr);
            }
            numel = Math.multiplyExact(numel, dims[i]);
        }
        long begin = off.getAsJsonArray().get(0).getAsLong();
        long end = off.getAsJsonArray().get(1).getAsLong();
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(where + ": bad data_offsets [" + begin + ", " + end + "]");
        }
        long expected = numel * dtype.bytes;
        if (end - begin != expected) {
            throw new SafetensorsException(where + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but " + dtype + " " + shapeArr + " needs " + expected);
        }
        if (end > dataLen) {
            throw new SafetensorsException(where + ": data ends at byte " + end + " but the file holds only " + dataLen + " data bytes (truncated or offsets out of range)");
        }
        return new TensorInfo(name, dtype, new Shape(dims), begin, end);
    }

    private static void checkOverlaps(Path path, java.util.Collection<TensorInfo> infos) {
        List<TensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.begin() < a.end() && b.byteLength() > 0 && a.byteLength() > 0) {
                throw new SafetensorsException(path + ": tensors '" + a.name() + "' [" + a.begin() + ", " + a.end() + ") and '" + b.name() + "' [" + b.begin() + ", " + b.end() + ") overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    public Path path() {
        return path;
    }

    public Set<String> keys() {
        return tensors.keySet();
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(path + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /** The tensor's raw little-endian bytes, memory-mapped (read-only). */
    public ByteBuffer bytes(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new SafetensorsException(path + ": tensor '" + name + "' is " + info.byteLength() + " bytes; single tensors over 2 GB are not supported");
        }
        try {
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength());
            return mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafetensorsException(path + ": tensor '" + name + "': cannot map data: " + e.getMessage(), e);
        }
    }

    /** Loads one tensor into {@code manager}; BF16 is widened to FLOAT32 (see {@link SafetensorsDType#BF16}). */
    public NDArray get(String name, NDManager manager) {
        TensorInfo info = info(name);
        ByteBuffer data = bytes(name);
        NDArray array;
        if (info.numel() == 0) {
            array = manager.zeros(info.shape(), info.dtype().memoryType);
        } else if (info.dtype() == SafetensorsDType.BF16) {
            array = manager.create(bf16ToFloat(data), info.shape());
        } else {
            // The engine wraps a direct buffer without copying; copy into engine-owned memory so the
            // tensor stays valid after this file is closed and its mapping collected.
            try (NDManager scratch = manager.newSubManager()) {
                NDArray view = scratch.create(data, info.shape(), info.dtype().memoryType);
                array = view.duplicate();
                array.attach(manager);
            }
        }
        array.setName(name);
        return array;
    }

    static float[] bf16ToFloat(ByteBuffer data) {
        float[] out = new float[data.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            int bits = (data.getShort(data.position() + 2 * i) & 0xffff) << 16;
            out[i] = Float.intBitsToFloat(bits);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafetensorsException(path + ": close failed: " + e.getMessage(), e);
        }
    }
}
