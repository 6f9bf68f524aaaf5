package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.notebook.TinyNetworks;

/** The box encoding against its closed form: Fourier features, box tokens through the MLP, null and layout tokens. */
class BoxEmbedderTest {
    private static final BoxEmbedder.Config CONFIG = new BoxEmbedder.Config(3, 2, 5, 4);

    @Test
    void fourierFeaturesAreSinAndCosOfPowersOfTwoTimesPi() {
        float[] f = BoxEmbedder.fourier(new double[] {0, 0.25, 0.5, 1}, 2);
        double r = Math.sqrt(0.5);
        // per coordinate: sin(pi c), cos(pi c), sin(2 pi c), cos(2 pi c)
        float[] want = {0, 1, 0, 1, (float) r, (float) r, 1, 0, 1, 0, 0, -1, 0, -1, 0, 1};
        assertArrayEquals(want, f, 1e-6f);
    }

    @Test
    void tokensAreLayoutThenBoxesThenNullsAndADroppedLayoutIsAllNull() {
        try (NDManager m = NDManager.newBaseManager()) {
            BoxEmbedder e = new BoxEmbedder(m, CONFIG);
            TinyNetworks.randomise(e, k -> true, 9);
            Map<String, NDArray> w = e.stateDict();
            double[] box = {0.1, 0.5, 0.3, 0.8};
            NDArray packed = e.pack(m, List.of(List.of(box), List.of(box), List.of()), new boolean[] {true, false, true});
            assertEquals(new Shape(3, 4, 17), packed.getShape());
            float[] tok = e.forward(packed).toFloatArray(); // [3, 4, 4]
            float[] nul = w.get("null_token").toFloatArray();
            float[] layout = w.get("layout_token").toFloatArray();
            // closed form of the box token: W2 silu(W1 f + b1) + b2 + car_embedding
            float[] f = BoxEmbedder.fourier(box, 2);
            float[] w1 = w.get("linears.0.weight").toFloatArray();
            float[] b1 = w.get("linears.0.bias").toFloatArray();
            float[] w2 = w.get("linears.2.weight").toFloatArray();
            float[] b2 = w.get("linears.2.bias").toFloatArray();
            float[] car = w.get("car_embedding").toFloatArray();
            double[] h = new double[5];
            for (int i = 0; i < 5; i++) {
                double a = b1[i];
                for (int j = 0; j < 16; j++) {
                    a += w1[i * 16 + j] * f[j];
                }
                h[i] = a / (1 + Math.exp(-a));
            }
            float[] boxToken = new float[4];
            for (int i = 0; i < 4; i++) {
                double a = b2[i] + car[i];
                for (int j = 0; j < 5; j++) {
                    a += w2[i * 5 + j] * h[j];
                }
                boxToken[i] = (float) a;
            }
            assertArrayEquals(layout, token(tok, 0, 0), 1e-6f, "a given layout starts with the layout token");
            assertArrayEquals(boxToken, token(tok, 0, 1), 1e-5f, "the box token");
            assertArrayEquals(nul, token(tok, 0, 2), 1e-6f, "empty slots are null");
            assertArrayEquals(nul, token(tok, 0, 3), 1e-6f);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(nul, token(tok, 1, t), 1e-6f, "a dropped layout is null everywhere, token " + t);
            }
            assertArrayEquals(layout, token(tok, 2, 0), 1e-6f, "an empty road is a given layout, not the unconditional input");
            assertArrayEquals(nul, token(tok, 2, 1), 1e-6f);
            assertTrue(!Arrays.equals(layout, nul));
            assertThrows(IllegalArgumentException.class, () -> e.pack(m, List.of(List.of(box, box, box, box)), new boolean[] {true}));
        }
    }

    @Test
    void boxLdmSavesUnderTheEngineLayoutAndLoadsStrictly(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            JsonObject u = new JsonObject();
            u.addProperty("in_channels", 4);
            u.addProperty("out_channels", 4);
            u.addProperty("model_channels", 32);
            u.add("channel_mult", com.google.gson.JsonParser.parseString("[1, 2]"));
            u.addProperty("num_res_blocks", 1);
            u.add("attention_resolutions", com.google.gson.JsonParser.parseString("[2]"));
            u.addProperty("num_head_channels", 16);
            u.addProperty("context_dim", 4);
            BoxLDM b = new BoxLDM(m, UNetConfig.fromJson(u), CONFIG);
            TinyNetworks.randomise(b, k -> true, 2);
            Path file = dir.resolve("box_ldm.safetensors");
            SavedNetwork.save(file, b, SavedNetwork.meta(), false);
            try (org.videoldm.io.SafetensorsFile f = org.videoldm.io.SafetensorsFile.open(file)) {
                assertTrue(f.keys().contains("model.box_embedder.null_token"), "embedder keys");
                assertTrue(f.keys().stream().anyMatch(k -> k.startsWith("model.diffusion_model.input_blocks.")), "UNet keys");
            }
            BoxLDM back = SavedNetwork.load(file, m).module(BoxLDM.class);
            NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
            NDArray t = m.create(new float[] {0.3f});
            NDArray packed = b.embedder().pack(m, List.of(List.of(new double[] {0.2, 0.2, 0.6, 0.9})), new boolean[] {true});
            assertArrayEquals(b.forward(x, t, packed).toFloatArray(), back.forward(x, t, packed).toFloatArray(), 0f);
            NDArray dropped = b.embedder().pack(m, List.of(List.of(new double[] {0.2, 0.2, 0.6, 0.9})), new boolean[] {false});
            assertTrue(b.forward(x, t, packed).sub(b.forward(x, t, dropped)).abs().max().getFloat() > 1e-4, "the boxes reach the UNet");
        }
    }

    private static float[] token(float[] all, int row, int t) {
        int base = (row * 4 + t) * 4;
        return Arrays.copyOfRange(all, base, base + 4);
    }
}
