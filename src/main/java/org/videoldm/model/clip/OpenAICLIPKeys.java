package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a state dict in the original OpenAI CLIP layout ({@code clip.model.CLIP}) to transformers' CLIP
 * names: {@code transformer.resblocks.N.attn.in_proj_*} is split into q/k/v projections (that order),
 * {@code ln_1/ln_2/mlp.c_fc/mlp.c_proj} become {@code layer_norm1/layer_norm2/mlp.fc1/mlp.fc2}, and the
 * projection matrices, which OpenAI applies as {@code x @ P}, are transposed into Linear weights.
 */
public final class OpenAICLIPKeys {
    private static final Pattern BLOCK = Pattern.compile("^(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.+)$");

    private OpenAICLIPKeys() {}

    /** Whether the keys look like OpenAI's layout (text or image tower). */
    public static boolean isOpenAILayout(Iterable<String> keys) {
        for (String k : keys) {
            if (k.startsWith("transformer.resblocks.") || k.startsWith("visual.transformer.resblocks.") || k.equals("visual.conv1.weight")) {
                return true;
            }
        }
        return false;
    }

    /** The same tensors under transformers' names. Keys the CLIP model does not use (buffers of JIT exports) are dropped. */
    public static Map<String, NDArray> toTransformers(Map<String, NDArray> openai) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : openai.entrySet()) {
            String k = e.getKey();
            NDArray v = e.getValue();
            Matcher m = BLOCK.matcher(k);
            if (m.matches()) {
                String base = (m.group(1) == null ? "text_model" : "vision_model") + ".encoder.layers." + m.group(2) + ".";
                mapBlock(base, m.group(3), v, out, k);
                continue;
            }
            switch (k) {
                case "token_embedding.weight" -> out.put("text_model.embeddings.token_embedding.weight", v);
                case "positional_embedding" -> out.put("text_model.embeddings.position_embedding.weight", v);
                case "ln_final.weight" -> out.put("text_model.final_layer_norm.weight", v);
                case "ln_final.bias" -> out.put("text_model.final_layer_norm.bias", v);
                case "text_projection" -> out.put("text_projection.weight", v.transpose());
                case "logit_scale" -> out.put("logit_scale", v);
                case "visual.class_embedding" -> out.put("vision_model.embeddings.class_embedding", v);
                case "visual.positional_embedding" -> out.put("vision_model.embeddings.position_embedding.weight", v);
                case "visual.conv1.weight" -> out.put("vision_model.embeddings.patch_embedding.weight", v);
                case "visual.ln_pre.weight" -> out.put("vision_model.pre_layrnorm.weight", v);
                case "visual.ln_pre.bias" -> out.put("vision_model.pre_layrnorm.bias", v);
                case "visual.ln_post.weight" -> out.put("vision_model.post_layernorm.weight", v);
                case "visual.ln_post.bias" -> out.put("vision_model.post_layernorm.bias", v);
                case "visual.proj" -> out.put("visual_projection.weight", v.transpose());
                case "input_resolution", "context_length", "vocab_size" -> { }
                default -> throw new IllegalArgumentException("OpenAI CLIP layout: unknown key '" + k + "' " + v.getShape()
                        + " (ResNet image towers are not supported, only ViT)");
            }
        }
        return out;
    }

    private static void mapBlock(String base, String rest, NDArray v, Map<String, NDArray> out, String key) {
        switch (rest) {
            case "attn.in_proj_weight", "attn.in_proj_bias" -> {
                String kind = rest.endsWith("weight") ? "weight" : "bias";
                long d = v.getShape().get(0) / 3;
                if (v.getShape().get(0) % 3 != 0) {
                    throw new IllegalArgumentException("OpenAI CLIP layout: " + key + " " + v.getShape() + " does not split into q, k, v");
                }
                String[] names = {"q_proj", "k_proj", "v_proj"};
                for (int i = 0; i < 3; i++) {
                    out.put(base + "self_attn." + names[i] + "." + kind, v.get(i * d + ":" + (i + 1) * d));
                }
            }
            case "attn.out_proj.weight" -> out.put(base + "self_attn.out_proj.weight", v);
            case "attn.out_proj.bias" -> out.put(base + "self_attn.out_proj.bias", v);
            case "ln_1.weight" -> out.put(base + "layer_norm1.weight", v);
            case "ln_1.bias" -> out.put(base + "layer_norm1.bias", v);
            case "ln_2.weight" -> out.put(base + "layer_norm2.weight", v);
            case "ln_2.bias" -> out.put(base + "layer_norm2.bias", v);
            case "mlp.c_fc.weight" -> out.put(base + "mlp.fc1.weight", v);
            case "mlp.c_fc.bias" -> out.put(base + "mlp.fc1.bias", v);
            case "mlp.c_proj.weight" -> out.put(base + "mlp.fc2.weight", v);
            case "mlp.c_proj.bias" -> out.put(base + "mlp.fc2.bias", v);
            default -> throw new IllegalArgumentException("OpenAI CLIP layout: unknown key '" + key + "'");
        }
    }
}
