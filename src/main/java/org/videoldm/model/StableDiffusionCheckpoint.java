package org.videoldm.model;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.model.clip.FrozenCLIPEmbedder;

/**
 * A Stable Diffusion 1.x single-file checkpoint (safetensors): the UNet under {@code model.diffusion_model.}, the KL
 * autoencoder under {@code first_stage_model.} and the CLIP text encoder under {@code cond_stage_model.transformer.}.
 * The three configs are read off the tensor shapes ({@link ShapeInference}, {@link CLIPWeights#inferTextFromShapes});
 * what shapes cannot tell (attention heads, the autoencoder's nominal resolution) is either given or set to SD 1.x's
 * values, and listed as an assumption.
 */
public final class StableDiffusionCheckpoint {
    public static final String UNET_PREFIX = "model.diffusion_model.";
    public static final String FIRST_STAGE_PREFIX = "first_stage_model.";
    public static final String TEXT_PREFIX = FrozenCLIPEmbedder.SD_PREFIX;

    private StableDiffusionCheckpoint() {}

    /** Head counts to use instead of the assumed ones (null: infer/assume). */
    public record Heads(Integer unetNumHeads, Integer unetNumHeadChannels, Integer textHeads) {
        public static Heads assumed() {
            return new Heads(null, null, null);
        }
    }

    /**
     * The three networks' configs: the UNet's kwargs (reference names), the AutoencoderKL's ({@code embed_dim},
     * {@code ddconfig}), the text encoder's, and what was assumed rather than read.
     */
    public record Configs(JsonObject unet, JsonObject firstStage, CLIPTextConfig text, List<String> assumptions) {}

    /**
     * Refuses anything but safetensors with one line: PyTorch pickles ({@code .ckpt}) can run code when loaded and
     * cannot be read here; the message says how to convert one.
     */
    public static void requireSafetensors(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        boolean zip = n >= 2 && head[0] == 'P' && head[1] == 'K';
        boolean pickle = n >= 1 && (head[0] & 0xff) == 0x80;
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (zip || pickle || name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || (n == 9 && head[8] != '{')) {
            String out = file.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".safetensors";
            throw new IllegalArgumentException(file + ": not a safetensors file (a PyTorch pickle such as .ckpt is not read, it can run code); "
                    + "convert it once with Python: python -c \"import torch, safetensors.torch as st; sd = torch.load('" + file.getFileName()
                    + "', map_location='cpu', weights_only=True); sd = sd.get('state_dict', sd); st.save_file({k: v.clone() for k, v in sd.items() "
                    + "if torch.is_tensor(v)}, '" + out + "')\"");
        }
    }

    /** The configs of the three networks in {@code file}. */
    public static Configs infer(Path file, Heads heads) {
        requireSafetensors(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return infer(f, heads);
        }
    }

    static Configs infer(SafetensorsFile f, Heads heads) {
        List<String> assumed = new ArrayList<>();
        Map<String, Shape> unetShapes = under(f, UNET_PREFIX, "the UNet");
        ShapeInference.Inferred u = ShapeInference.unet(unetShapes);
        if (!u.module().equals("UNetModel")) {
            throw new IllegalArgumentException(f.path() + ": the UNet under '" + UNET_PREFIX + "' already has temporal layers (a video model, not SD 1.x)");
        }
        JsonObject unet = u.kwargs();
        if (!unet.has("context_dim")) {
            throw new IllegalArgumentException(f.path() + ": the UNet under '" + UNET_PREFIX + "' has no cross-attention to a text context");
        }
        if (heads.unetNumHeads() != null || heads.unetNumHeadChannels() != null) {
            unet.remove("num_heads");
            unet.remove("num_head_channels");
            if (heads.unetNumHeads() != null) {
                unet.addProperty("num_heads", heads.unetNumHeads());
            }
            if (heads.unetNumHeadChannels() != null) {
                unet.addProperty("num_head_channels", heads.unetNumHeadChannels());
            }
            u.assumptions().removeIf(a -> a.startsWith("num_head"));
        }
        u.assumptions().forEach(a -> assumed.add("UNet: " + a));
        UNetConfig.fromJson(unet); // validates the combination

        JsonObject firstStage = firstStage(f, assumed);

        Map<String, Shape> textShapes = under(f, TEXT_PREFIX, "the CLIP text encoder");
        textShapes.keySet().removeIf(k -> k.endsWith("position_ids"));
        CLIPTextConfig text = CLIPWeights.inferTextFromShapes(rekeyed(textShapes));
        if (heads.textHeads() != null) {
            text = text.withHeads(heads.textHeads());
        } else {
            assumed.add("text encoder: num_attention_heads " + text.num_attention_heads() + " (width / 64, as every OpenAI CLIP); heads do not show in shapes");
        }
        assumed.add("text encoder: hidden_act quick_gelu (OpenAI CLIP's), last hidden state as the context (SD 1.x)");
        long ctx = unet.get("context_dim").getAsLong();
        if (ctx != text.hidden_size()) {
            throw new IllegalArgumentException(f.path() + ": the UNet's cross-attention expects a " + ctx + "-wide context, the text encoder gives "
                    + text.hidden_size());
        }
        return new Configs(unet, firstStage, text, assumed);
    }

    /** Text encoder keys of older transformers versions lack the {@code text_model.} level. */
    public static <V> Map<String, V> rekeyed(Map<String, V> keys) {
        Map<String, V> out = new LinkedHashMap<>();
        keys.forEach((k, v) -> out.put(k.startsWith("text_model.") ? k : "text_model." + k, v));
        return out;
    }

    private static JsonObject firstStage(SafetensorsFile f, List<String> assumed) {
        Map<String, Shape> all = under(f, FIRST_STAGE_PREFIX, "the autoencoder");
        Map<String, Shape> enc = strip(all, "encoder.");
        Map<String, Shape> dec = strip(all, "decoder.");
        if (enc.isEmpty() || dec.isEmpty()) {
            throw new IllegalArgumentException(f.path() + ": the autoencoder under '" + FIRST_STAGE_PREFIX + "' needs an encoder and a decoder");
        }
        JsonObject e = ShapeInference.encoder(enc).kwargs();
        JsonObject d = ShapeInference.decoder(dec).kwargs();
        for (String key : new String[] {"ch", "ch_mult", "z_channels"}) {
            if (!e.get(key).equals(d.get(key))) {
                throw new IllegalArgumentException(f.path() + ": the autoencoder's encoder and decoder disagree on " + key + " (" + e.get(key) + " vs "
                        + d.get(key) + ")");
            }
        }
        e.addProperty("out_ch", d.get("out_ch").getAsInt());
        Shape quant = all.get("quant_conv.weight");
        Shape postQuant = all.get("post_quant_conv.weight");
        if (quant == null || postQuant == null) {
            throw new IllegalArgumentException(f.path() + ": the autoencoder has no quant_conv / post_quant_conv (an SD 1.x AutoencoderKL has both)");
        }
        JsonObject o = new JsonObject();
        o.addProperty("embed_dim", postQuant.get(1));
        o.add("ddconfig", e);
        assumed.add("autoencoder: resolution 256 in ddconfig (it only places attention), double_z");
        return o;
    }

    private static Map<String, Shape> under(SafetensorsFile f, String prefix, String what) {
        Map<String, Shape> out = new LinkedHashMap<>();
        f.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), t.shape());
            }
        });
        if (out.isEmpty()) {
            throw new IllegalArgumentException(f.path() + ": no tensors under '" + prefix + "' (" + what + " of an SD 1.x checkpoint)"
                    + (prefix.equals(TEXT_PREFIX) && f.keys().stream().anyMatch(k -> k.startsWith("cond_stage_model.model."))
                            ? "; this looks like SD 2.x, whose OpenCLIP text encoder is not supported" : ""));
        }
        return out;
    }

    private static Map<String, Shape> strip(Map<String, Shape> all, String prefix) {
        Map<String, Shape> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
