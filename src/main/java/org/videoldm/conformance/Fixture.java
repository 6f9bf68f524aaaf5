package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.SafetensorsFile;

/**
 * One conformance fixture folder: {@code config.json} (reference, kwargs, call, tolerance),
 * {@code io.safetensors} with {@code in.*} inputs and {@code out.*} expected outputs, and
 * optionally {@code weights.safetensors}.
 */
public final class Fixture {
    private final Path dir;
    private final JsonObject config;
    private final Map<String, NDArray> tensors;

    private Fixture(Path dir, JsonObject config, Map<String, NDArray> tensors) {
        this.dir = dir;
        this.config = config;
        this.tensors = tensors;
    }

    public static Fixture load(Path dir, NDManager manager) {
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalArgumentException(dir + ": not a fixture folder (no config.json)");
        }
        JsonObject config;
        try {
            config = JsonParser.parseString(Files.readString(cfg)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(cfg + ": cannot parse: " + e.getMessage(), e);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Path io = dir.resolve("io.safetensors");
        if (Files.isRegularFile(io)) {
            try (SafetensorsFile f = SafetensorsFile.open(io)) {
                for (String k : f.keys()) {
                    tensors.put(k, f.get(k, manager));
                }
            }
        }
        return new Fixture(dir, config, tensors);
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    public JsonObject config() {
        return config;
    }

    public String reference() {
        return config.has("reference") ? config.get("reference").getAsString() : "";
    }

    public JsonObject kwargs() {
        return config.has("kwargs") ? config.getAsJsonObject("kwargs") : new JsonObject();
    }

    public JsonObject call() {
        return config.has("call") ? config.getAsJsonObject("call") : new JsonObject();
    }

    /** A value from call.constants, or null. */
    public JsonElement constant(String name) {
        JsonObject call = call();
        if (call.has("constants") && call.getAsJsonObject("constants").has(name)) {
            return call.getAsJsonObject("constants").get(name);
        }
        return null;
    }

    public Path weights() {
        return dir.resolve("weights.safetensors");
    }

    public boolean hasInput(String name) {
        return tensors.containsKey("in." + name);
    }

    /** Input tensor {@code in.<name>}. */
    public NDArray input(String name) {
        NDArray a = tensors.get("in." + name);
        if (a == null) {
            throw new IllegalArgumentException(dir + "/io.safetensors: missing input tensor 'in." + name + "'");
        }
        return a;
    }

    /** Expected outputs by their full name ({@code out.<name>}). */
    public Map<String, NDArray> expected() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith("out.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    public double atol() {
        return tolerance("atol", 1e-4);
    }

    public double rtol() {
        return tolerance("rtol", 1e-4);
    }

    private double tolerance(String key, double dflt) {
        if (config.has("tolerance") && config.getAsJsonObject("tolerance").has(key)) {
            return config.getAsJsonObject("tolerance").get(key).getAsDouble();
        }
        return dflt;
    }
}
