package org.videoldm.io;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    static NDManager manager;
    @TempDir Path tmp;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Writes a file with a hand-made header and data section. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static String message(Path p) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p).close());
        return e.getMessage();
    }

    @Test
    void writesWhatItReadsForEveryDtype() {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("f32", manager.create(new float[] {1.5f, -2f, 3.25f}, new Shape(3, 1)));
        t.put("f16", manager.create(new float[] {0.5f, -1f}).toType(DataType.FLOAT16, false));
        t.put("f64", manager.create(new double[] {Math.PI}));
        t.put("i64", manager.create(new long[] {1L << 40, -3}));
        t.put("i32", manager.create(new int[] {7, -8, 9}));
        t.put("u8", manager.create(new byte[] {(byte) 200, 3}).toType(DataType.UINT8, false));
        t.put("bool", manager.create(new boolean[] {true, false, true}));
        t.put("empty", manager.zeros(new Shape(0, 4)));
        Path p = tmp.resolve("all.safetensors");
        SafetensorsWriter.write(p, t, Map.of("format", "pt", "note", "round trip"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(t.keySet(), f.keys());
            assertEquals("round trip", f.metadata().get("note"));
            for (String k : t.keySet()) {
                NDArray got = f.get(k, manager);
                assertEquals(t.get(k).getShape(), got.getShape(), k);
                assertEquals(t.get(k).getDataType(), got.getDataType(), k);
                assertTrue(t.get(k).contentEquals(got), k);
            }
        }
    }

    @Test
    void writtenFilesFollowTheFormatAndDecodeWithDjlsOwnReader() throws IOException {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("a.weight", manager.randomNormal(new Shape(5, 3)));
        t.put("b", manager.create(new int[] {1, 2, 3}));
        Path p = tmp.resolve("fmt.safetensors");
        SafetensorsWriter.write(p, t, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header is padded to 8 bytes");
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.strip().endsWith("}"), header);
        assertEquals(bytes.length, 8 + headerLen + 15 * 4 + 3 * 4, "data packed without gaps");
        // An independent decoder (DJL's) must read the same tensors.
        NDList decoded = NDList.decode(manager, bytes);
        assertTrue(decoded.get("a.weight").contentEquals(t.get("a.weight")));
        assertTrue(decoded.get("b").contentEquals(t.get("b")));
    }

    @Test
    void readsTensorsBeyondTwoGigabytesInASparseFile() throws IOException {
        long big = 3L * 1024 * 1024 * 1024;
        String header = "{\"huge\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = tmp.resolve("sparse.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            f.write(lb.array());
            f.write(h);
            f.setLength(8 + h.length + big + 8);
            f.seek(8 + h.length + big);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-7f);
            f.write(tail.array());
        }
        assertTrue(Files.size(p) > 3_000_000_000L);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1.25f, -7f}, f.get("tail", manager).toFloatArray());
            assertEquals(new Shape(big), f.info("huge").shape());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.get("huge", manager));
            assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("over 2 GB"), e.getMessage());
        }
    }

    @Test
    void convertsBf16InJava() throws IOException {
        // 1.5 = 0x3FC0 and -2 = 0xC000 in bfloat16
        byte[] data = {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0};
        Path p = raw("bf16.safetensors", "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", data);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1.5f, -2f}, f.get("x", manager).toFloatArray());
        }
    }

    @Test
    void rejectsFilesShorterThanTheLengthField() throws IOException {
        Path p = tmp.resolve("tiny.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(message(p).contains("tiny.safetensors"));
    }

    @Test
    void rejectsBadHeaderLengths() throws IOException {
        Path zero = tmp.resolve("zero.safetensors");
        Files.write(zero, new byte[16]);
        assertTrue(message(zero).contains("bad header length"), message(zero));
        Path huge = tmp.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(50_000);
        Files.write(huge, b.array());
        assertTrue(message(huge).contains("truncated"), message(huge));
    }

    @Test
    void rejectsHeadersThatAreNotJsonObjects() throws IOException {
        assertTrue(message(raw("json.safetensors", "{\"x\": [1, 2", new byte[0])).contains("not valid JSON"));
        assertTrue(message(raw("arr.safetensors", "[1, 2, 3]", new byte[0])).contains("not an object"));
    }

    @Test
    void rejectsUnknownDtypesNamingTheTensor() throws IOException {
        String m = message(raw("dt.safetensors", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]));
        assertTrue(m.contains("'w'") && m.contains("F8_E4M3") && m.contains("dt.safetensors"), m);
    }

    @Test
    void rejectsOffsetsThatDisagreeWithTheShape() throws IOException {
        String m = message(raw("sz.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
        assertTrue(m.contains("'w'") && m.contains("needs 12"), m);
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        String m = message(raw("trunc.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[10]));
        assertTrue(m.contains("'w'") && m.contains("truncated"), m);
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        String m = message(raw("ovl.safetensors", header, new byte[12]));
        assertTrue(m.contains("overlap") && m.contains("'a'") && m.contains("'b'"), m);
    }

    @Test
    void rejectsNegativeDimensionsAndBadEntries() throws IOException {
        assertTrue(message(raw("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0])).contains("negative"));
        assertTrue(message(raw("ent.safetensors", "{\"w\":{\"dtype\":\"F32\"}}", new byte[0])).contains("data_offsets"));
    }

    @Test
    void truncatedCopyOfARealFixtureFailsClearly() throws IOException {
        Path src = org.videoldm.TestPaths.conformance().resolve("unet2d/weights.safetensors");
        byte[] all = Files.readAllBytes(src);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        String m = message(cut);
        assertTrue(m.contains("cut.safetensors") && m.contains("truncated"), m);
    }
}
