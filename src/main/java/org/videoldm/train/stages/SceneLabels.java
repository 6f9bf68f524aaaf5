package org.videoldm.train.stages;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.SyntheticDriving;

/**
 * The exact labels of procedural clips, from the scene each was rendered from (the folder's {@code manifest.json}
 * gives the generator's seed): time of day, weather, traffic (cars: none, 1-2, 3-4), curvature (left, straight,
 * right, by thirds of its range) and speed (slow, medium, fast by thirds of 0.8-2.6 m per frame). Real clips have
 * none.
 */
final class SceneLabels {
    private static final Map<String, Integer> HEADS = new LinkedHashMap<>();

    static {
        HEADS.put("time_of_day", 3);
        HEADS.put("weather", 3);
        HEADS.put("traffic", 3);
        HEADS.put("curvature", 3);
        HEADS.put("speed", 3);
    }

    /** Procedural folders by name: their generator. */
    private final Map<String, SyntheticDriving> generators;

    private SceneLabels(Map<String, SyntheticDriving> generators) {
        this.generators = generators;
    }

    /** The labelled (procedural) folders among {@code dirs}: those with a procedural manifest. */
    static SceneLabels of(List<Path> dirs) {
        Map<String, SyntheticDriving> g = new HashMap<>();
        for (Path d : dirs) {
            Path manifest = d.resolve("manifest.json");
            if (!Files.isRegularFile(manifest)) {
                continue;
            }
            try {
                JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
                if (m.has("generator") && m.get("generator").getAsString().startsWith("videoldm procedural driving scenes")) {
                    g.put(d.getFileName().toString(), new SyntheticDriving(m.get("clips").getAsInt(), m.get("frames").getAsInt(),
                            m.get("height").getAsInt(), m.get("width").getAsInt(), m.get("seed").getAsLong()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(manifest + ": cannot read: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(manifest + ": not a readable procedural manifest: " + e.getMessage(), e);
            }
        }
        return new SceneLabels(g);
    }

    /** Label heads and their class counts. */
    Map<String, Integer> heads() {
        return HEADS;
    }

    String describe() {
        return "time of day (day, dusk, night), weather (clear, rain, fog), traffic (no car, 1-2, 3-4), curvature (left, straight, right), "
                + "speed (slow, medium, fast)";
    }

    /** The labels of a clip id ({@code folder/clip_00012.mp4@start}), or null for clips that have none. */
    Map<String, Integer> of(String clipId) {
        int slash = clipId.indexOf('/');
        if (slash < 0) {
            return null;
        }
        SyntheticDriving gen = generators.get(clipId.substring(0, slash));
        if (gen == null) {
            return null;
        }
        String file = clipId.substring(slash + 1, clipId.contains("@") ? clipId.lastIndexOf('@') : clipId.length());
        if (!file.matches("clip_\\d{5}(\\.mp4)?")) {
            return null;
        }
        DrivingScene s = gen.scene(Integer.parseInt(file.substring(5, 10)));
        Map<String, Integer> l = new LinkedHashMap<>();
        l.put("time_of_day", s.timeOfDay().ordinal());
        l.put("weather", s.weather().ordinal());
        int cars = s.cars().size();
        l.put("traffic", cars == 0 ? 0 : cars <= 2 ? 1 : 2);
        double c = s.curvature() / 0.0025; // curvature lies in [-0.0025, 0.0025]
        l.put("curvature", c < -1.0 / 3 ? 0 : c > 1.0 / 3 ? 2 : 1);
        double v = (s.speed() - 0.8) / 1.8;
        l.put("speed", v < 1.0 / 3 ? 0 : v < 2.0 / 3 ? 1 : 2);
        return l;
    }
}
