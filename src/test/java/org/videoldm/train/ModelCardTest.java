package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {
    @TempDir
    Path dir;

    static ModelCard card() {
        JsonObject config = JsonParser.parseString("{\"model_channels\":32,\"channel_mult\":[1,2,2]}").getAsJsonObject();
        JsonObject training = JsonParser.parseString("{\"lr\":2e-4}").getAsJsonObject();
        return new ModelCard("image_ldm", "image-ldm", new ModelCard.Data("../shared/datasets/driving", 5, 120, 1, 64, 128, 8, 5.0),
                List.of("autoencoder.safetensors"), config, training, 1_644_644, 1_644_644, 2000, 16, "frames", 7, 1234.5,
                new ModelCard.Machine(2, 2, "Linux amd64", "PyTorch 2.7.1"), 0.1234, Map.of("scale_factor", 0.91), List.of("toy run"));
    }

    @Test
    void jsonRoundTrip() {
        ModelCard c = card().withMetric("flicker", 0.5).withNote("second note");
        ModelCard back = ModelCard.fromJson(JsonParser.parseString(c.toJson().toString()).getAsJsonObject());
        assertEquals(c, back);
        assertEquals(0.5, back.metrics().get("flicker"));
        assertEquals(List.of("toy run", "second note"), back.notes());
    }

    @Test
    void markdownNamesTheFacts() throws Exception {
        Path md = dir.resolve("image_ldm.md");
        card().writeMarkdown(md);
        String text = Files.readString(md);
        for (String s : new String[] {"# image_ldm", "image-ldm", "`autoencoder.safetensors`", "../shared/datasets/driving", "64 x 128",
                "1,644,644", "2,000, batch 16 frames", "| seed | 7 |", "0.12340", "20.6 min", "2 cores, 2 torch threads", "scale_factor",
                "\"model_channels\": 32", "\"lr\": 2e-4", "- toy run"}) {
            assertTrue(text.contains(s), "card lacks '" + s + "':\n" + text);
        }
    }

    @Test
    void machineDescribesThisJvm() {
        ModelCard.Machine m = ModelCard.Machine.current();
        assertEquals(Runtime.getRuntime().availableProcessors(), m.cores());
        assertTrue(m.torchThreads() >= 1);
    }
}
