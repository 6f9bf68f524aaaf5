package org.videoldm.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsWriter;

/** transformers' CLIPModel keys, a save / load round trip through CLIPWeights (the loader of released CLIPs), and the towers it shares keys with. */
class CLIPModelTest {
    @TempDir
    Path dir;

    static CLIPConfig tiny() {
        return new CLIPConfig(new CLIPTextConfig(300, 32, 64, 16, 1, 2, 20, "quick_gelu", 1e-5, 299, 298, 299),
                new CLIPVisionConfig(32, 64, 16, 1, 2, 3, 16, 8, "quick_gelu", 1e-5), 16, CLIPConfig.LOGIT_SCALE_INIT);
    }

    @Test
    void keysAreTransformersAndWeightsRoundTrip() {
        try (NDManager m = NDManager.newBaseManager()) {
            CLIPModel a = new CLIPModel(m, tiny());
            a.initForTraining(3);
            Map<String, NDArray> sd = a.stateDict();
            assertTrue(sd.keySet().containsAll(List.of("text_model.embeddings.token_embedding.weight", "vision_model.pre_layrnorm.weight",
                    "visual_projection.weight", "text_projection.weight", "logit_scale")), sd.keySet().toString());
            assertEquals(new Shape(), sd.get("logit_scale").getShape(), "a 0-dim tensor, as transformers'");
            assertEquals((float) Math.log(1 / 0.07), sd.get("logit_scale").getFloat(), 1e-6f);

            Path f = dir.resolve("model.safetensors");
            SafetensorsWriter.write(f, sd, Map.of());
            CLIPModel b = new CLIPModel(m, tiny());
            CLIPWeights.load(b, f, "");
            NDArray ids = m.create(new long[][] {{298, 5, 7, 299, 299}});
            NDArray px = m.randomNormal(new Shape(2, 3, 16, 16));
            assertArrayEquals(a.textEmbeds(ids).toFloatArray(), b.textEmbeds(ids).toFloatArray(), 0f);
            assertArrayEquals(a.imageEmbeds(px).toFloatArray(), b.imageEmbeds(px).toFloatArray(), 0f);
            assertEquals(a.logitScale().getFloat(), b.logitScale().getFloat(), 0f);

            // the towers with projection (what CLIPSIM builds) take their keys from the same file
            CLIPTextModelWithProjection t = new CLIPTextModelWithProjection(m, tiny().text_config());
            CLIPWeights.load(t, f, "");
            assertArrayEquals(a.textEmbeds(ids).toFloatArray(), t.textEmbeds(ids).toFloatArray(), 0f);
        }
    }

    @Test
    void embeddingsAreRedrawnWithClipsSpreads() {
        try (NDManager m = NDManager.newBaseManager()) {
            CLIPModel a = new CLIPModel(m, tiny());
            a.initForTraining(0);
            float[] tok = a.stateDict().get("text_model.embeddings.token_embedding.weight").toFloatArray();
            double ss = 0;
            for (float v : tok) {
                ss += v * v;
            }
            // 9600 draws of N(0, 0.02^2): the sample std lies within 5% of 0.02 with overwhelming probability
            assertEquals(0.02, Math.sqrt(ss / tok.length), 0.001);
        }
    }
}
