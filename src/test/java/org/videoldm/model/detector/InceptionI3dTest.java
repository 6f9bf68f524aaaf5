package org.videoldm.model.detector;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.io.StateDictException;

class InceptionI3dTest {
    static NDManager m;
    static InceptionI3d net;

    @BeforeAll
    static void build() {
        m = NDManager.newBaseManager();
        net = new InceptionI3d(m);
        DetectorWeights.randomize(net, 0);
    }

    @AfterAll
    static void close() {
        m.close();
    }

    @Test
    void keysAreThoseOfThePyTorchPort() {
        Map<String, ?> p = net.namedParameters();
        assertTrue(p.containsKey("Conv3d_1a_7x7.conv3d.weight"));
        assertTrue(p.containsKey("Conv3d_1a_7x7.bn.running_mean"));
        assertTrue(p.containsKey("Mixed_3b.b0.conv3d.weight"));
        assertTrue(p.containsKey("Mixed_5c.b3b.bn.running_var"));
        assertTrue(p.containsKey("logits.conv3d.bias"));
        assertFalse(p.containsKey("logits.bn.weight"));
        assertFalse(p.containsKey("Conv3d_1a_7x7.conv3d.bias"));
        assertEquals(new Shape(64, 3, 7, 7, 7), net.namedParameters().get("Conv3d_1a_7x7.conv3d.weight").getArray().getShape());
        assertEquals(new Shape(400, 1024, 1, 1, 1), net.namedParameters().get("logits.conv3d.weight").getArray().getShape());
    }

    @Test
    void sameStridedShapesAndLogits() {
        try (NDManager s = m.newSubManager()) {
            // 'SAME' padding: output size is ceil(input / stride) for odd sizes too.
            NDArray x = s.randomUniform(-1, 1, new Shape(2, 3, 9, 33, 35));
            NDArray f = net.features(x);
            // T: 9 -> 5 -> 5 -> 3 -> 2, then the [2, 7, 7] pool clipped to the 2 x 3 x 3 map.
            assertEquals(new Shape(2, 1024, 1, 1, 1), f.getShape());
            NDArray logits = net.forward(x);
            assertEquals(new Shape(2, 400), logits.getShape());
            assertTrue(logits.abs().sum().getFloat() > 0);
            // The two clips differ, so must their logits.
            assertFalse(logits.get(0).allClose(logits.get(1)));
        }
    }

    @Test
    void paddingIsTensorFlowSame() {
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.ones(new Shape(1, 1, 16, 224, 224));
            NDArray p = SamePadding.pad(x, new long[] {7, 7, 7}, new long[] {2, 2, 2});
            // total padding 5 per axis: 2 in front, 3 behind.
            assertEquals(new Shape(1, 1, 21, 229, 229), p.getShape());
            assertEquals(0f, p.getFloat(0, 0, 1, 100, 100));
            assertEquals(1f, p.getFloat(0, 0, 2, 100, 100));
            assertEquals(1f, p.getFloat(0, 0, 17, 100, 100));
            assertEquals(0f, p.getFloat(0, 0, 18, 100, 100));
            NDArray q = SamePadding.pad(s.ones(new Shape(1, 1, 5, 5, 5)), new long[] {3, 3, 3}, new long[] {2, 2, 2});
            // size 5 is not a multiple of 2: total max(3 - 1, 0) = 2.
            assertEquals(new Shape(1, 1, 7, 7, 7), q.getShape());
        }
    }

    @Test
    void loadingIsStrictButSkipsBatchCounters() throws Exception {
        Path dir = Files.createTempDirectory("i3d");
        Map<String, NDArray> sd = new LinkedHashMap<>(net.stateDict());
        Path good = dir.resolve("good.safetensors");
        Map<String, NDArray> withCounter = new LinkedHashMap<>(sd);
        withCounter.put("Mixed_3b.b0.bn.num_batches_tracked", m.create(7L));
        SafetensorsWriter.write(good, withCounter, Map.of());
        try (NDManager s = NDManager.newBaseManager()) {
            InceptionI3d other = new InceptionI3d(s);
            DetectorWeights.load(other, good, "");
            NDArray x = s.randomUniform(-1, 1, new Shape(1, 3, 8, 32, 32));
            assertTrue(other.forward(x).allClose(net.forward(x), 1e-5, 1e-5, false));

            Map<String, NDArray> missing = new LinkedHashMap<>(sd);
            missing.remove("Mixed_4c.b2b.bn.running_var");
            Path bad = dir.resolve("missing.safetensors");
            SafetensorsWriter.write(bad, missing, Map.of());
            StateDictException e = assertThrows(StateDictException.class, () -> DetectorWeights.load(new InceptionI3d(s), bad, ""));
            assertTrue(e.getMessage().contains("Mixed_4c.b2b.bn.running_var"), e.getMessage());

            Map<String, NDArray> extra = new LinkedHashMap<>(sd);
            extra.put("logits.bn.weight", s.ones(new Shape(400)));
            Path bad2 = dir.resolve("extra.safetensors");
            SafetensorsWriter.write(bad2, extra, Map.of());
            assertThrows(StateDictException.class, () -> DetectorWeights.load(new InceptionI3d(s), bad2, ""));

            InceptionI3d ucf = new InceptionI3d(s, 101, InceptionI3d.TF_BN_EPS);
            e = assertThrows(StateDictException.class, () -> DetectorWeights.load(ucf, good, ""));
            assertTrue(e.getMessage().contains("logits.conv3d.weight"), e.getMessage());
        }
    }

    @Test
    void randomWeightsAreReproducible() {
        try (NDManager s = NDManager.newBaseManager()) {
            InceptionI3d a = new InceptionI3d(s);
            DetectorWeights.randomize(a, 0);
            NDArray w = a.namedParameters().get("Mixed_4d.b1b.conv3d.weight").getArray();
            assertTrue(w.allClose(net.namedParameters().get("Mixed_4d.b1b.conv3d.weight").getArray(), 0, 0, false));
            InceptionI3d b = new InceptionI3d(s);
            DetectorWeights.randomize(b, 1);
            assertFalse(w.allClose(b.namedParameters().get("Mixed_4d.b1b.conv3d.weight").getArray()));
            assertEquals(1f, a.namedParameters().get("Mixed_4d.b1b.bn.running_var").getArray().getFloat(3));
        }
    }
}
