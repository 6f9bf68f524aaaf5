package org.videoldm.conformance;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.videoldm.TestPaths;

/** The four CLIP fixture kinds pass through the conformance runner, and a wrong value would fail them. */
class CLIPFixturesTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip_text", "clip_text_projection", "clip_vision", "clip_tokenizer"})
    void fixturePasses(String name) {
        List<ConformanceResult> results = ConformanceRunner.run(TestPaths.conformance().resolve(name), manager);
        assertTrue(results.size() >= 3, "too few outputs compared: " + results);
        for (ConformanceResult r : results) {
            assertTrue(r.passed(), r.line());
        }
    }

    @Test
    void pipelineFixturesThatMentionCLIPAreNotTakenForIt() {
        try (NDManager m = manager.newSubManager()) {
            Fixture f = Fixture.load(TestPaths.conformance().resolve("sd_pipeline"), m);
            for (FixtureKind k : List.of(new CLIPTextKind(), new CLIPVisionKind(), new CLIPTokenizerKind())) {
                assertFalse(k.accepts(f), k.name());
            }
        }
    }

    @Test
    void tokenizerComparesEveryCaseBothWays() {
        List<ConformanceResult> results = ConformanceRunner.run(TestPaths.conformance().resolve("clip_tokenizer"), manager);
        // 26 cases, unpadded and padded each.
        assertEquals(52, results.size());
    }

    /** A variant fixture: the fast tokenizer from tokenizer.json only, expected ids = the recorded fast variants. */
    @Test
    void fastTokenizerVariantFromTokenizerJson(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path src = TestPaths.conformance().resolve("clip_tokenizer");
        Path dir = java.nio.file.Files.createDirectory(tmp.resolve("clip_tokenizer_fast"));
        java.nio.file.Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        com.google.gson.JsonObject cfg = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(src.resolve("config.json"))).getAsJsonObject();
        cfg.addProperty("reference", "transformers.models.clip.tokenization_clip_fast:CLIPTokenizerFast");
        com.google.gson.JsonObject kw = new com.google.gson.JsonObject();
        kw.addProperty("tokenizer_file", "tokenizer.json");
        cfg.add("kwargs", kw);
        java.nio.file.Files.writeString(dir.resolve("config.json"), cfg.toString());
        com.google.gson.JsonArray cases = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(src.resolve("cases.json"))).getAsJsonArray();
        com.google.gson.JsonArray out = new com.google.gson.JsonArray();
        for (var e : cases) {
            com.google.gson.JsonObject c = e.getAsJsonObject();
            if (c.has("variants") && c.getAsJsonObject("variants").has("fast")) {
                com.google.gson.JsonObject v = c.getAsJsonObject("variants").getAsJsonObject("fast");
                c.add("ids_unpadded", v.get("ids_unpadded"));
                c.add("ids_padded77", v.get("ids_padded77"));
            }
            out.add(c);
        }
        java.nio.file.Files.writeString(dir.resolve("cases.json"), out.toString());
        List<ConformanceResult> results = ConformanceRunner.run(dir, manager);
        assertEquals(52, results.size());
        for (ConformanceResult r : results) {
            assertTrue(r.passed(), r.line());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip_text", "clip_vision"})
    void aPerturbedOutputFails(String name) {
        Path dir = TestPaths.conformance().resolve(name);
        try (NDManager m = manager.newSubManager()) {
            Fixture f = Fixture.load(dir, m);
            FixtureKind kind = FixtureKinds.find(f).orElseThrow();
            Map<String, NDArray> got = kind.run(f, m);
            for (Map.Entry<String, NDArray> e : f.expected().entrySet()) {
                NDArray bad = got.get(e.getKey()).add(1e-2f);
                assertFalse(ConformanceRunner.compare(name, e.getKey(), bad, e.getValue(), f.atol(), f.rtol()).passed(), e.getKey());
            }
        }
    }
}
