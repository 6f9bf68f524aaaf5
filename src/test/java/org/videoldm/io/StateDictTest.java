package org.videoldm.io;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;

class StateDictTest {
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

    /** A small module with nested names like the reference's. */
    static final class Tiny extends Module {
        Tiny(NDManager m, int ch) {
            super(m);
            ModuleList in = register("in_layers", new ModuleList(m));
            in.add(0, GroupNorm.normalization(m, ch));
            in.add(2, Conv.conv2d(m, ch, ch, 3));
        }
    }

    @Test
    void parameterPathsAreTheReferenceKeys() {
        Tiny t = new Tiny(manager, 32);
        assertEquals(java.util.List.of("in_layers.0.weight", "in_layers.0.bias", "in_layers.2.weight", "in_layers.2.bias"),
                new java.util.ArrayList<>(t.namedParameters().keySet()));
    }

    @Test
    void loadedParametersDoNotAliasTheMappedFile() throws Exception {
        // Same-dtype conversion in the engine aliases its input; without a real copy the parameter would point
        // into the mapping, which is unmapped once the buffer is collected (a JVM crash here).
        Tiny a = new Tiny(manager, 32);
        Path p = tmp.resolve("alias.safetensors");
        StateDict.save(a, p, "", Map.of());
        Tiny b = new Tiny(manager, 32);
        StateDict.load(b, p, "");
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        for (String k : a.stateDict().keySet()) {
            assertTrue(a.stateDict().get(k).contentEquals(b.stateDict().get(k)), k);
        }
    }

    @Test
    void saveThenLoadRestoresEveryValueUnderAPrefix() {
        Tiny a = new Tiny(manager, 32);
        Path p = tmp.resolve("ckpt.safetensors");
        StateDict.save(a, p, "model.diffusion_model.", Map.of());
        Tiny b = new Tiny(manager, 32);
        assertFalse(a.stateDict().get("in_layers.2.weight").contentEquals(b.stateDict().get("in_layers.2.weight")));
        StateDict.load(b, p, "model.diffusion_model.");
        for (String k : a.stateDict().keySet()) {
            assertTrue(a.stateDict().get(k).contentEquals(b.stateDict().get(k)), k);
        }
    }

    @Test
    void keysOutsideThePrefixAreIgnored() {
        Tiny a = new Tiny(manager, 32);
        Map<String, NDArray> full = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> full.put("first_stage_model." + k, v));
        full.put("model.diffusion_model.something", manager.zeros(new Shape(3)));
        full.put("cond_stage_model.transformer.x", manager.zeros(new Shape(2)));
        Path p = tmp.resolve("full.safetensors");
        SafetensorsWriter.write(p, full, Map.of());
        Tiny b = new Tiny(manager, 32);
        StateDict.load(b, p, "first_stage_model.");
        assertTrue(a.stateDict().get("in_layers.0.bias").contentEquals(b.stateDict().get("in_layers.0.bias")));
    }

    @Test
    void reportsMissingUnexpectedAndMisshapedKeysTogether() {
        Tiny a = new Tiny(manager, 64);
        Map<String, NDArray> sd = new LinkedHashMap<>(a.stateDict());
        sd.remove("in_layers.0.bias");
        sd.put("in_layers.3.weight", manager.zeros(new Shape(2)));
        Path p = tmp.resolve("bad.safetensors");
        SafetensorsWriter.write(p, sd, Map.of());
        Tiny b = new Tiny(manager, 32);
        StateDictException e = assertThrows(StateDictException.class, () -> StateDict.load(b, p, ""));
        String m = e.getMessage();
        assertTrue(m.contains("bad.safetensors"), m);
        assertTrue(m.contains("missing") && m.contains("in_layers.0.bias"), m);
        assertTrue(m.contains("unexpected") && m.contains("in_layers.3.weight"), m);
        assertTrue(m.contains("wrong shape") && m.contains("in_layers.2.weight: checkpoint (64, 64, 3, 3), model (32, 32, 3, 3)"), m);
        // Nothing was half-loaded: the failed load leaves the module's weights as they were.
        Tiny fresh = b;
        assertEquals(new Shape(32), fresh.stateDict().get("in_layers.0.bias").getShape());
    }

    @Test
    void halfPrecisionCheckpointsLoadIntoFloat32Parameters() {
        Tiny a = new Tiny(manager, 32);
        Map<String, NDArray> half = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> half.put(k, v.toType(ai.djl.ndarray.types.DataType.FLOAT16, false)));
        Path p = tmp.resolve("half.safetensors");
        SafetensorsWriter.write(p, half, Map.of());
        Tiny b = new Tiny(manager, 32);
        StateDict.load(b, p, "");
        NDArray w = b.stateDict().get("in_layers.2.weight");
        assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, w.getDataType());
        assertTrue(w.sub(a.stateDict().get("in_layers.2.weight")).abs().max().getFloat() < 1e-3);
    }

    @Test
    void loadingKeepsTheGradientFlagOfTrainableParameters() {
        Tiny a = new Tiny(manager, 32);
        a.setTrainable(k -> k.startsWith("in_layers.2"));
        Path p = tmp.resolve("g.safetensors");
        StateDict.save(new Tiny(manager, 32), p, "", Map.of());
        StateDict.load(a, p, "");
        assertEquals(java.util.Set.of("in_layers.2.weight", "in_layers.2.bias"), a.trainableParameters().keySet());
    }
}
