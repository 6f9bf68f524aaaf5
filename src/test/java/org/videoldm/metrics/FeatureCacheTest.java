package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureCacheTest {
    @Test
    void roundTripAndKeys() throws Exception {
        Path dir = Files.createTempDirectory("cache");
        Path video = dir.resolve("a.mp4");
        Files.write(video, new byte[] {1, 2, 3});
        FeatureCache cache = new FeatureCache(dir.resolve("features"));
        String k = FeatureCache.key(video, "i3d-rand(seed=0)", "T=16");
        assertTrue(cache.get(k).isEmpty());
        double[][] rows = {{1.5, -2, 3}, {4, 5, 6.25}};
        cache.put(k, rows, Map.of("detector", "i3d-rand(seed=0)"));
        assertArrayEquals(rows, cache.get(k).orElseThrow());
        assertNotEquals(k, FeatureCache.key(video, "i3d-rand(seed=1)", "T=16"));
        assertNotEquals(k, FeatureCache.key(video, "i3d-rand(seed=0)", "T=8"));
        Path copy = dir.resolve("renamed.mp4");
        Files.copy(video, copy);
        assertEquals(k, FeatureCache.key(copy, "i3d-rand(seed=0)", "T=16"));
        Files.write(video, new byte[] {1, 2, 4});
        assertNotEquals(k, FeatureCache.key(video, "i3d-rand(seed=0)", "T=16"));
    }

    @Test
    void tableCsvAndJson() throws Exception {
        List<MetricResult> rows = List.of(
                new MetricResult("FVD-rand", 123.456, Double.NaN, 8, 9, 16, "i3d-rand(seed=0)"),
                new MetricResult("IS-rand", 1.5, 0.25, 8, 0, 16, "i3d-rand(seed=0)"));
        String table = MetricTable.format(rows);
        assertTrue(table.contains("FVD-rand") && table.contains("123.4560") && table.contains("0.2500"), table);
        Path base = Files.createTempDirectory("eval").resolve("results");
        MetricTable.write(base, rows, new com.google.gson.JsonObject());
        String csv = Files.readString(base.resolveSibling("results.csv"));
        assertTrue(csv.startsWith("metric,value,std,generated,real,clip_length,detector\n"), csv);
        assertTrue(csv.contains("FVD-rand,123.4560,,8,9,16,i3d-rand(seed=0)"), csv);
        String json = Files.readString(base.resolveSibling("results.json"));
        assertTrue(json.contains("\"metric\": \"IS-rand\"") && json.contains("\"std\": 0.25") && json.contains("\"i3d-rand(seed=0)\""), json);
    }
}
