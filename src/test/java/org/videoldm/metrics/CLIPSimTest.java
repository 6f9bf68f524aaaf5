package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.videoldm.io.StateDict;
import org.videoldm.model.clip.CLIPImageProcessor;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModelWithProjection;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.model.clip.CLIPVisionModelWithProjection;

/** CLIPSIM over videos with the fixtures' tiny CLIP towers: per-frame cosines averaged over frames, then videos. */
class CLIPSimTest {
    static JsonObject kwargs(String fixture) throws Exception {
        Path p = TestPaths.conformance().resolve(fixture).resolve("config.json");
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject().getAsJsonObject("kwargs");
    }

    @Test
    void averagesFrameCosinesOverFramesThenVideos() throws Exception {
        NDManager m = NDManager.newBaseManager();
        CLIPTextModelWithProjection text = new CLIPTextModelWithProjection(m, CLIPTextConfig.fromJson(kwargs("clip_text_projection")));
        StateDict.load(text, TestPaths.conformance().resolve("clip_text_projection/weights.safetensors"), "");
        CLIPVisionModelWithProjection vision = new CLIPVisionModelWithProjection(m, CLIPVisionConfig.fromJson(kwargs("clip_vision")));
        StateDict.load(vision, TestPaths.conformance().resolve("clip_vision/weights.safetensors"), "");
        CLIPTokenizer tok = CLIPTokenizer.fromDirectory(TestPaths.conformance().resolve("clip_tokenizer"));
        try (CLIPSim sim = new CLIPSim(m, tok, text, vision, "tiny-clip")) {
            NDArray a = m.randomUniform(0, 255, new Shape(3, 40, 48, 3)).toType(DataType.UINT8, false);
            NDArray b = m.randomUniform(0, 255, new Shape(2, 40, 48, 3)).toType(DataType.UINT8, false);
            String prompt = "a red car driving on a wet road in the rain at night";

            // By hand: embeddings of each frame of a, cosine with the prompt's, mean.
            CLIPImageProcessor proc = new CLIPImageProcessor(32);
            byte[] all = a.toByteArray();
            int fb = 40 * 48 * 3;
            byte[][] frames = {java.util.Arrays.copyOfRange(all, 0, fb), java.util.Arrays.copyOfRange(all, fb, 2 * fb), java.util.Arrays.copyOfRange(all, 2 * fb, 3 * fb)};
            NDArray img = vision.imageEmbeds(proc.pixelValues(m, frames, 40, 48));
            NDArray ids = m.create(tok.encodeBatch(List.of(prompt), 77));
            NDArray txt = text.textEmbeds(ids);
            double want = CLIPSim.pairCosine(img, txt.broadcast(img.getShape())).mean().getFloat();

            double sa = sim.videoScore(a, prompt, 2);
            assertEquals(want, sa, 1e-5);
            double sb = sim.videoScore(b, "rain", 8);
            MetricResult r = sim.compute(List.of(a, b), List.of(prompt, "rain"), 4);
            assertEquals("CLIPSIM", r.metric());
            assertEquals((sa + sb) / 2, r.value(), 1e-6);
            assertTrue(Math.abs(r.value()) <= 1.0, "a raw cosine, not x100");
            assertThrows(IllegalArgumentException.class, () -> sim.compute(List.of(a), List.of(), 4));
        }
    }
}
