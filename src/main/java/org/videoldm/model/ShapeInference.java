package org.videoldm.model;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.videoldm.io.Kwargs;

/**
 * Reconstructs a network's constructor kwargs from the names and shapes of its checkpoint tensors, so a
 * checkpoint can be opened without its YAML. What shapes cannot tell (attention head split, merge strategy,
 * resolution) is set to the released models' values and listed as assumptions; none of it changes which
 * tensors the network has.
 */
public final class ShapeInference {
    private ShapeInference() {}

    /** The reference class the tensors fit, its kwargs, and what had to be assumed. */
    public record Inferred(String module, JsonObject kwargs, List<String> assumptions) {}

    /** Shapes of the tensors under {@code prefix}, keyed without it. */
    public static Map<String, Shape> shapes(org.videoldm.io.SafetensorsFile file, String prefix) {
        Map<String, Shape> out = new java.util.LinkedHashMap<>();
        for (org.videoldm.io.TensorInfo t : file.tensors().values()) {
            if (t.name().startsWith(prefix)) {
                out.put(t.name().substring(prefix.length()), t.shape());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file.path() + ": no tensors under prefix '" + prefix + "'");
        }
        return out;
    }

    private static final Pattern INDEX = Pattern.compile("^(\\d+)\\.");

    /** Distinct numeric children directly under {@code prefix} ("input_blocks." -> 0, 1, ...). */
    static TreeSet<Integer> indices(Map<String, Shape> keys, String prefix) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String k : keys.keySet()) {
            if (k.startsWith(prefix)) {
                Matcher m = INDEX.matcher(k.substring(prefix.length()));
                if (m.find()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return out;
    }

    private static boolean anyStartsWith(Map<String, Shape> keys, String prefix) {
        return keys.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    private static Shape need(Map<String, Shape> keys, String key) {
        Shape s = keys.get(key);
        if (s == null) {
            throw new IllegalArgumentException("cannot infer the config: tensor '" + key + "' is missing");
        }
        return s;
    }

    private static JsonArray ints(List<Integer> l) {
        JsonArray a = new JsonArray();
        l.forEach(a::add);
        return a;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** A UNetModel or VideoUNet from keys without prefix ({@code input_blocks.0.0.weight}, ...). */
    public static Inferred unet(Map<String, Shape> k) {
        List<String> assumed = new ArrayList<>();
        int mc = (int) need(k, "time_embed.0.weight").get(1);
        JsonObject o = new JsonObject();
        o.addProperty("in_channels", need(k, "input_blocks.0.0.weight").get(1));
        o.addProperty("model_channels", mc);
        o.addProperty("out_channels", need(k, "out.2.weight").get(0));

        // With resblock_updown the resampling layers are ResBlocks: find the levels from the output side, where
        // each level but the first ends with a block holding an up ResBlock after its first layer.
        boolean updown = k.keySet().stream().anyMatch(s -> s.matches("output_blocks\\.\\d+\\.[12]\\.in_layers\\.0\\.weight"));
        List<Integer> resBlocks = new ArrayList<>();
        if (updown) {
            int count = 0;
            for (int j : indices(k, "output_blocks.")) {
                count++;
                String p = "output_blocks." + j + ".";
                if (k.containsKey(p + "1.in_layers.0.weight") || k.containsKey(p + "2.in_layers.0.weight")) {
                    resBlocks.add(0, count - 1);
                    count = 0;
                }
            }
            resBlocks.add(0, count - 1);
        }
        List<Integer> mult = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        List<Integer> attnBlocks = new ArrayList<>();
        List<Boolean> noSelfAttn = new ArrayList<>();
        TreeSet<Integer> attnRes = new TreeSet<>();
        List<Integer> attnChannels = new ArrayList<>();
        boolean convResample = true;
        int ds = 1;
        int count = 0;
        int levelDepth = 0;
        int levelAttn = 0;
        boolean levelNoSelf = false;
        int last = indices(k, "input_blocks.").last();
        for (int i = 1; i <= last + 1; i++) {
            String p = "input_blocks." + i + ".";
            boolean end = i == last + 1;
            boolean down = updown ? !end && count == resBlocks.get(depth.size())
                    : k.containsKey(p + "0.op.weight") || !anyStartsWith(k, p);
            if (end || down) {
                if (!end && !updown) {
                    convResample = k.containsKey(p + "0.op.weight");
                }
                if (!updown) {
                    resBlocks.add(count);
                }
                depth.add(Math.max(levelDepth, 1));
                attnBlocks.add(levelAttn);
                noSelfAttn.add(levelNoSelf);
                count = 0;
                levelDepth = 0;
                levelAttn = 0;
                levelNoSelf = false;
                ds *= 2;
                continue;
            }
            int out = (int) need(k, p + "0.in_layers.2.weight").get(0);
            if (count == 0) {
                if (out % mc != 0) {
                    throw new IllegalArgumentException("cannot infer the config: " + p + "0 has " + out + " channels, not a multiple of " + mc);
                }
                mult.add(out / mc);
            }
            count++;
            if (k.containsKey(p + "1.norm.weight")) {
                attnRes.add(ds);
                attnChannels.add(out);
                levelAttn++;
                levelDepth = indices(k, p + "1.transformer_blocks.").size();
                levelNoSelf |= crossAttentionInAttn1(k, p + "1.transformer_blocks.0.");
            }
        }
        if (resBlocks.size() != mult.size()) {
            throw new IllegalArgumentException("cannot infer the config: input and output blocks disagree on the number of levels");
        }
        o.add("num_res_blocks", resBlocks.stream().distinct().count() == 1 ? new com.google.gson.JsonPrimitive(resBlocks.get(0)) : ints(resBlocks));
        o.add("attention_resolutions", ints(new ArrayList<>(attnRes)));
        o.add("channel_mult", ints(mult));
        o.addProperty("conv_resample", convResample);
        o.addProperty("resblock_updown", updown);
        o.add("transformer_depth", ints(depth));
        boolean partialAttention = false;
        for (int l = 0; l < mult.size(); l++) {
            if (attnBlocks.get(l) == 0) {
                attnBlocks.set(l, resBlocks.get(l));
            }
            partialAttention |= attnBlocks.get(l) < resBlocks.get(l);
        }
        if (partialAttention) {
            o.add("num_attention_blocks", ints(attnBlocks));
        }
        if (noSelfAttn.contains(true)) {
            com.google.gson.JsonArray a = new com.google.gson.JsonArray();
            noSelfAttn.forEach(a::add);
            o.add("disable_self_attentions", a);
        }
        if (crossAttentionInAttn1(k, "middle_block.1.transformer_blocks.0.")) {
            o.addProperty("disable_middle_self_attn", true);
        }
        int middleDepth = indices(k, "middle_block.1.transformer_blocks.").size();
        if (middleDepth > 0) {
            o.addProperty("transformer_depth_middle", middleDepth);
            attnChannels.add((int) need(k, "middle_block.1.norm.weight").get(0));
        } else {
            o.addProperty("disable_middle_transformer", true);
        }
        // Cross-attention keys have the context's width everywhere; without a context they match each block's width.
        TreeSet<Long> contextWidths = new TreeSet<>();
        boolean allSelf = true;
        for (Map.Entry<String, Shape> e : k.entrySet()) {
            if (e.getKey().matches(".*transformer_blocks\\.\\d+\\.attn2\\.to_k\\.weight")) {
                contextWidths.add(e.getValue().get(1));
                allSelf &= e.getValue().get(1) == e.getValue().get(0);
            }
        }
        if (contextWidths.size() == 1 && !(allSelf && attnChannels.stream().distinct().count() > 1)) {
            o.addProperty("context_dim", contextWidths.first());
        } else if (contextWidths.size() > 1 && !allSelf) {
            throw new IllegalArgumentException("cannot infer the config: cross-attention context widths differ between blocks " + contextWidths);
        }
        String projIn = k.keySet().stream().filter(s -> s.endsWith(".proj_in.weight") && !s.contains("time_stack")).findFirst().orElse(null);
        o.addProperty("use_linear_in_transformer", projIn != null && k.get(projIn).dimension() == 2);
        o.addProperty("use_scale_shift_norm", need(k, "input_blocks.1.0.emb_layers.1.weight").get(0) == 2 * need(k, "input_blocks.1.0.in_layers.2.weight").get(0));
        if (k.containsKey("label_emb.0.0.weight")) {
            o.addProperty("num_classes", "sequential");
            o.addProperty("adm_in_channels", k.get("label_emb.0.0.weight").get(1));
        } else if (k.containsKey("label_emb.weight")) {
            o.addProperty("num_classes", k.get("label_emb.weight").get(0));
        }
        if (o.has("context_dim") && o.get("context_dim").getAsInt() == 768) {
            o.addProperty("num_heads", 8);
            assumed.add("num_heads 8, as Stable Diffusion 1.x (context_dim 768); heads do not show in shapes");
        } else {
            int headChannels = 64;
            for (int c : attnChannels) {
                while (c % headChannels != 0) {
                    headChannels /= 2;
                }
            }
            o.addProperty("num_head_channels", headChannels);
            assumed.add("num_head_channels " + headChannels + ", as SD 2.x/SVD; heads do not show in shapes");
        }
        boolean video = k.keySet().stream().anyMatch(s -> s.contains(".time_stack."));
        if (!video) {
            return new Inferred("UNetModel", o, assumed);
        }
        Shape kernel = need(k, "input_blocks.1.0.time_stack.in_layers.2.weight");
        o.add("video_kernel_size", Kwargs.array(kernel.get(2), kernel.get(3), kernel.get(4)));
        String tAttn2 = k.keySet().stream().filter(s -> s.matches(".*\\.time_stack\\.0\\.attn2\\.to_k\\.weight")).findFirst().orElse(null);
        if (tAttn2 == null) {
            o.addProperty("disable_temporal_crossattention", true);
        } else {
            long ctx = k.get(tAttn2).get(1);
            long inner = k.get(tAttn2).get(0);
            if (o.has("context_dim") && ctx == o.get("context_dim").getAsLong()) {
                o.addProperty("use_spatial_context", true);
                assumed.add("use_spatial_context (temporal cross-attention has the spatial context's width, as in SVD)");
            } else if (ctx != inner) {
                o.addProperty("time_context_dim", ctx);
            }
        }
        o.addProperty("extra_ff_mix_layer", true);
        o.addProperty("merge_strategy", "learned_with_images");
        o.addProperty("merge_factor", 0.0);
        assumed.add("merge_strategy learned_with_images (SVD's; a fixed strategy stores the same mix_factor tensors)");
        return new Inferred("VideoUNet", o, assumed);
    }

    /** Whether a transformer block's first attention reads the context (disabled self-attention): its keys are narrower or wider than its queries. */
    private static boolean crossAttentionInAttn1(Map<String, Shape> k, String block) {
        Shape key = k.get(block + "attn1.to_k.weight");
        Shape query = k.get(block + "attn1.to_q.weight");
        return key != null && query != null && key.get(1) != query.get(1);
    }

    /** A Decoder or VideoDecoder from keys without prefix ({@code conv_in.weight}, {@code up.0.block.0...}). */
    public static Inferred decoder(Map<String, Shape> k) {
        List<String> assumed = new ArrayList<>();
        JsonObject o = new JsonObject();
        int levels = indices(k, "up.").size();
        int nrb = indices(k, "up.0.block.").size() - 1;
        int[] widths = new int[levels];
        int ch = 0;
        for (int i = 0; i < levels; i++) {
            widths[i] = (int) need(k, "up." + i + ".block.0.conv1.weight").get(0);
            ch = gcd(ch, widths[i]);
        }
        List<Integer> mult = new ArrayList<>();
        for (int w : widths) {
            mult.add(w / ch);
        }
        int resolution = 256;
        List<Integer> attnRes = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            if (k.containsKey("up." + i + ".attn.0.norm.weight")) {
                attnRes.add(resolution >> i);
            }
        }
        int outCh = (int) need(k, "conv_out.weight").get(0);
        o.addProperty("double_z", true);
        o.addProperty("z_channels", need(k, "conv_in.weight").get(1));
        o.addProperty("resolution", resolution);
        o.addProperty("in_channels", outCh);
        o.addProperty("out_ch", outCh);
        o.addProperty("ch", ch);
        o.add("ch_mult", ints(mult));
        o.addProperty("num_res_blocks", nrb);
        o.add("attn_resolutions", ints(attnRes));
        o.addProperty("resamp_with_conv", levels < 2 || k.containsKey("up.1.upsample.conv.weight"));
        o.addProperty("attn_type", k.containsKey("mid.attn_1.norm.weight") ? "vanilla" : "none");
        o.addProperty("dropout", 0.0);
        assumed.add("resolution 256 (only places attention; ch " + ch + " x ch_mult gives the widths)");
        boolean temporalRes = anyStartsWith(k, "mid.block_1.time_stack.");
        boolean temporalAttn = anyStartsWith(k, "mid.attn_1.time_mix_block.") || k.keySet().stream().anyMatch(s -> s.contains(".time_mix_block."));
        if (!temporalRes && !temporalAttn) {
            return new Inferred("Decoder", o, assumed);
        }
        Shape kernel = k.containsKey("conv_out.time_mix_conv.weight") ? k.get("conv_out.time_mix_conv.weight") : null;
        o.add("video_kernel_size", kernel == null ? Kwargs.array(3, 3, 3) : Kwargs.array(kernel.get(2), kernel.get(3), kernel.get(4)));
        o.addProperty("time_mode", temporalRes && temporalAttn ? "all" : temporalRes ? "conv-only" : "attn-only");
        o.addProperty("merge_strategy", "learned");
        o.addProperty("alpha", 0.0);
        assumed.add("merge_strategy learned (a fixed strategy stores the same mix_factor tensors)");
        return new Inferred("VideoDecoder", o, assumed);
    }

    /** An Encoder from keys without prefix ({@code conv_in.weight}, {@code down.0.block.0...}). */
    public static Inferred encoder(Map<String, Shape> k) {
        List<String> assumed = new ArrayList<>();
        JsonObject o = new JsonObject();
        int ch = (int) need(k, "conv_in.weight").get(0);
        int levels = indices(k, "down.").size();
        List<Integer> mult = new ArrayList<>();
        int resolution = 256;
        List<Integer> attnRes = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            mult.add((int) need(k, "down." + i + ".block.0.conv1.weight").get(0) / ch);
            if (k.containsKey("down." + i + ".attn.0.norm.weight")) {
                attnRes.add(resolution >> i);
            }
        }
        int zOut = (int) need(k, "conv_out.weight").get(0);
        o.addProperty("double_z", true);
        o.addProperty("z_channels", zOut / 2);
        o.addProperty("resolution", resolution);
        o.addProperty("in_channels", need(k, "conv_in.weight").get(1));
        o.addProperty("out_ch", need(k, "conv_in.weight").get(1));
        o.addProperty("ch", ch);
        o.add("ch_mult", ints(mult));
        o.addProperty("num_res_blocks", indices(k, "down.0.block.").size());
        o.add("attn_resolutions", ints(attnRes));
        o.addProperty("resamp_with_conv", levels < 2 || k.containsKey("down.0.downsample.conv.weight"));
        o.addProperty("attn_type", k.containsKey("mid.attn_1.norm.weight") ? "vanilla" : "none");
        o.addProperty("dropout", 0.0);
        assumed.add("double_z (mean and log-variance, as every KL autoencoder) and resolution 256");
        return new Inferred("Encoder", o, assumed);
    }
}
