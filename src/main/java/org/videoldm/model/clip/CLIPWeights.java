package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;

/**
 * Loads CLIP towers from safetensors in either layout: transformers' ({@code text_model.*},
 * {@code vision_model.*}, projections; also inside SD 1.x checkpoints under
 * {@code cond_stage_model.transformer.}) or OpenAI's (mapped by {@link OpenAICLIPKeys}). Only the keys
 * of the towers the module has are taken from a full CLIP checkpoint; within them loading is strict.
 * The configs of released CLIP models can be read off the weights' shapes ({@link #inferText},
 * {@link #inferVision}).
 */
public final class CLIPWeights {
    private CLIPWeights() {}

    /** All tensors under {@code prefix} (prefix removed), mapped to transformers' names. */
    public static Map<String, NDArray> read(Path file, String prefix, NDManager manager) {
        String p = prefix == null ? "" : prefix;
        Map<String, NDArray> raw = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                if (k.startsWith(p) && !k.endsWith("position_ids")) {
                    raw.put(k.substring(p.length()), f.get(k, manager));
                }
            }
        }
        if (raw.isEmpty()) {
            throw new IllegalArgumentException(file + ": no tensors under the prefix '" + p + "'");
        }
        return OpenAICLIPKeys.isOpenAILayout(raw.keySet()) ? OpenAICLIPKeys.toTransformers(raw) : raw;
    }

    /** Strict load of the module's towers ({@code text_model.}, {@code text_projection.}, {@code vision_model.}, {@code visual_projection.}). */
    public static void load(Module module, Map<String, NDArray> tensors, String source) {
        Map<String, NDArray> mine = new LinkedHashMap<>();
        java.util.Set<String> roots = new java.util.HashSet<>();
        for (String k : module.namedParameters().keySet()) {
            roots.add(k.indexOf('.') < 0 ? k : k.substring(0, k.indexOf('.') + 1));
        }
        tensors.forEach((k, v) -> {
            int dot = k.indexOf('.');
            // a top-level tensor (CLIPModel's logit_scale) is its own root
            if (dot > 0 ? roots.contains(k.substring(0, dot + 1)) : roots.contains(k)) {
                mine.put(k, v);
            }
        });
        StateDict.load(module, mine, source);
    }

    public static void load(Module module, Path file, String prefix) {
        try (NDManager scratch = module.manager().newSubManager()) {
            load(module, read(file, prefix, scratch), file + (prefix == null || prefix.isEmpty() ? "" : " (prefix '" + prefix + "')"));
        }
    }

    /** The text config of released CLIP weights (transformers names): sizes from shapes, heads = width / 64 as in every OpenAI model. */
    public static CLIPTextConfig inferText(Map<String, NDArray> t) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        t.forEach((k, v) -> shapes.put(k, v.getShape()));
        return inferTextFromShapes(shapes);
    }

    /**
     * {@link #inferText} from the tensors' shapes alone (a checkpoint's header): width, layers, MLP width, positions,
     * vocabulary (end-of-text its last id, start-of-text the one before, as in CLIP's vocabularies) and projection.
     */
    public static CLIPTextConfig inferTextFromShapes(Map<String, Shape> t) {
        Shape tok = needShape(t, "text_model.embeddings.token_embedding.weight");
        int width = (int) tok.get(1);
        int layers = 0;
        while (t.containsKey("text_model.encoder.layers." + layers + ".layer_norm1.weight")) {
            layers++;
        }
        int mlp = (int) needShape(t, "text_model.encoder.layers.0.mlp.fc1.weight").get(0);
        int positions = (int) needShape(t, "text_model.embeddings.position_embedding.weight").get(0);
        int proj = t.containsKey("text_projection.weight") ? (int) t.get("text_projection.weight").get(0) : width;
        int vocab = (int) tok.get(0);
        return new CLIPTextConfig(vocab, width, mlp, proj, layers, Math.max(1, width / 64), positions, "quick_gelu", 1e-5, vocab - 1, vocab - 2, vocab - 1);
    }

    public static CLIPVisionConfig inferVision(Map<String, NDArray> t) {
        Shape conv = need(t, "vision_model.embeddings.patch_embedding.weight");
        int width = (int) conv.get(0);
        int patch = (int) conv.get(2);
        int tokens = (int) need(t, "vision_model.embeddings.position_embedding.weight").get(0);
        int grid = (int) Math.round(Math.sqrt(tokens - 1));
        int layers = countLayers(t, "vision_model.encoder.layers.");
        int mlp = (int) need(t, "vision_model.encoder.layers.0.mlp.fc1.weight").get(0);
        int proj = t.containsKey("visual_projection.weight") ? (int) t.get("visual_projection.weight").getShape().get(0) : width;
        return new CLIPVisionConfig(width, mlp, proj, layers, Math.max(1, width / 64), (int) conv.get(1), grid * patch, patch, "quick_gelu", 1e-5);
    }

    /**
     * The text and vision head counts of a transformers CLIP {@code config.json} ({@code text_config} / {@code vision_config}
     * {@code num_attention_heads}), or null when there is no such file or it does not name both.
     */
    public static int[] headsFromConfig(Path configJson) {
        if (!java.nio.file.Files.isRegularFile(configJson)) {
            return null;
        }
        try {
            com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(configJson)).getAsJsonObject();
            if (!o.has("text_config") || !o.has("vision_config")) {
                return null;
            }
            com.google.gson.JsonObject t = o.getAsJsonObject("text_config");
            com.google.gson.JsonObject v = o.getAsJsonObject("vision_config");
            if (!t.has("num_attention_heads") || !v.has("num_attention_heads")) {
                return null;
            }
            return new int[] {t.get("num_attention_heads").getAsInt(), v.get("num_attention_heads").getAsInt()};
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException(configJson + ": not a readable CLIP config: " + e.getMessage(), e);
        }
    }

    private static Shape needShape(Map<String, Shape> t, String key) {
        Shape s = t.get(key);
        if (s == null) {
            throw new IllegalArgumentException("CLIP weights: missing '" + key + "'");
        }
        return s;
    }

    private static Shape need(Map<String, NDArray> t, String key) {
        NDArray a = t.get(key);
        if (a == null) {
            throw new IllegalArgumentException("CLIP weights: missing '" + key + "'");
        }
        return a.getShape();
    }

    private static int countLayers(Map<String, NDArray> t, String prefix) {
        int n = 0;
        while (t.containsKey(prefix + n + ".layer_norm1.weight")) {
            n++;
        }
        return n;
    }
}
