package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.nn.Module;

/**
 * A self-describing network file: a safetensors file whose tensors are the module's state dict under the prefix the
 * reference uses in full checkpoints ({@code model.diffusion_model.} for UNets, {@code first_stage_model.} for the
 * autoencoder), so the weights also load into the reference, and whose metadata says how to rebuild and use it:
 *
 * <ul>
 *   <li>{@code videoldm.kind}: {@code UNetModel}, {@code VideoUNet}, {@code AutoencoderKL}, {@code VideoDecoder},
 *       {@code Discriminator3D} or {@code CLIPTextModel} (a text encoder, under SD 1.x's {@code cond_stage_model.transformer.});
 *   <li>{@code videoldm.config}: the reference's constructor kwargs as JSON ({@code videoldm.decoder_config} too for an
 *       autoencoder with a temporal decoder);
 *   <li>optional {@code videoldm.denoiser} (e.g. {@code {"scaling":"edm","sigma_data":0.5}}), {@code videoldm.scale_factor}
 *       (latents are multiplied by it before diffusion), {@code videoldm.frames} (frames per video it was trained on),
 *       {@code videoldm.conditioning} (what concatenated or vector inputs mean), {@code videoldm.card} (the model card
 *       as JSON), and any other {@code videoldm.*} entries a stage adds.
 * </ul>
 * Shipped networks are stored as float16 (half the size; they load back into float32 modules). These files are
 * separate from the trainer's resumable checkpoints, which keep float32 weights and the optimizer state.
 */
public final class SavedNetwork {
    public static final String FORMAT = "videoldm.saved_network/1";
    public static final String KEY_FORMAT = "videoldm.format";
    public static final String KEY_KIND = "videoldm.kind";
    public static final String KEY_CONFIG = "videoldm.config";
    public static final String KEY_DECODER_CONFIG = "videoldm.decoder_config";
    public static final String KEY_DENOISER = "videoldm.denoiser";
    public static final String KEY_SCALE_FACTOR = "videoldm.scale_factor";
    public static final String KEY_FRAMES = "videoldm.frames";
    public static final String KEY_CONDITIONING = "videoldm.conditioning";
    public static final String KEY_CARD = "videoldm.card";
    public static final String KEY_DTYPE = "videoldm.dtype";
    /** Frame size in pixels the network was trained at, {@code HxW} (autoencoders). */
    public static final String KEY_FRAME_SIZE = "videoldm.frame_size";

    /** Prefix of the discriminator's weights (the reference keeps it inside its loss module). */
    public static final String DISCRIMINATOR_PREFIX = "loss.discriminator.";

    private final Path path;
    private final Module module;
    private final String kind;
    private final JsonObject config;
    private final Map<String, String> metadata;

    private SavedNetwork(Path path, Module module, String kind, JsonObject config, Map<String, String> metadata) {
        this.path = path;
        this.module = module;
        this.kind = kind;
        this.config = config;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Optional metadata to store with a network (fluent). */
    public static final class Meta {
        private final Map<String, String> entries = new LinkedHashMap<>();

        public Meta denoiser(JsonObject denoiser) {
            return put(KEY_DENOISER, denoiser.toString());
        }

        public Meta scaleFactor(double factor) {
            return put(KEY_SCALE_FACTOR, Double.toString(factor));
        }

        public Meta frames(int frames) {
            return put(KEY_FRAMES, Integer.toString(frames));
        }

        public Meta conditioning(JsonObject conditioning) {
            return put(KEY_CONDITIONING, conditioning.toString());
        }

        public Meta frameSize(int height, int width) {
            return put(KEY_FRAME_SIZE, height + "x" + width);
        }

        public Meta card(JsonObject card) {
            return put(KEY_CARD, card.toString());
        }

        /** Any other entry; keys should start with {@code videoldm.}. */
        public Meta put(String key, String value) {
            if (key.equals(KEY_KIND) || key.equals(KEY_CONFIG) || key.equals(KEY_FORMAT) || key.equals(KEY_DECODER_CONFIG) || key.equals(KEY_DTYPE)) {
                throw new IllegalArgumentException("saved network: metadata '" + key + "' is written from the module itself");
            }
            entries.put(key, value);
            return this;
        }

        /** Copies every optional entry of a loaded network (to re-save it with changes). */
        public Meta from(SavedNetwork other) {
            other.metadata.forEach((k, v) -> {
                if (!k.equals(KEY_KIND) && !k.equals(KEY_CONFIG) && !k.equals(KEY_FORMAT) && !k.equals(KEY_DECODER_CONFIG) && !k.equals(KEY_DTYPE)) {
                    entries.put(k, v);
                }
            });
            return this;
        }

        public Map<String, String> entries() {
            return Collections.unmodifiableMap(entries);
        }
    }

    public static Meta meta() {
        return new Meta();
    }

    /** The kind name of a module this class can save, or an error naming its class. */
    public static String kindOf(Module module) {
        if (module instanceof VideoUNet) {
            return "VideoUNet";
        } else if (module instanceof UNetModel) {
            return "UNetModel";
        } else if (module instanceof AutoencoderKL) {
            return "AutoencoderKL";
        } else if (module instanceof VideoDecoder) {
            return "VideoDecoder";
        } else if (module instanceof Discriminator3D) {
            return "Discriminator3D";
        } else if (module instanceof org.videoldm.model.detector.ToyVideoNet) {
            return "ToyVideoNet";
        } else if (module instanceof CLIPTextModel) {
            return "CLIPTextModel";
        } else if (module instanceof BoxLDM) {
            return "BoxLDM";
        }
        throw new IllegalArgumentException("saved network: cannot describe a " + module.getClass().getSimpleName()
                + " (UNetModel, VideoUNet, AutoencoderKL, VideoDecoder, Discriminator3D, CLIPTextModel, BoxLDM)");
    }

    /** Where the kind's weights sit in a full reference checkpoint. */
    public static String prefix(String kind) {
        return switch (kind) {
            case "UNetModel", "VideoUNet" -> VideoUNet.CHECKPOINT_PREFIX;
            case "AutoencoderKL" -> "first_stage_model.";
            case "VideoDecoder" -> VideoDecoder.CHECKPOINT_PREFIX;
            case "Discriminator3D" -> DISCRIMINATOR_PREFIX;
            case "ToyVideoNet" -> "";
            case "CLIPTextModel" -> FrozenCLIPEmbedder.SD_PREFIX;
            case "BoxLDM" -> "model.";
            default -> throw new IllegalArgumentException("saved network: unknown kind '" + kind + "'");
        };
    }

    /**
     * Writes the module's weights (float16 if asked, else as they are) and its description (temporary file, then
     * rename).
     */
    public static void save(Path file, Module module, Meta meta, boolean float16) {
        String kind = kindOf(module);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT);
        m.put(KEY_KIND, kind);
        m.put(KEY_CONFIG, configOf(module).toString());
        if (module instanceof AutoencoderKL ae && ae.decoder() instanceof VideoDecoder vd) {
            m.put(KEY_DECODER_CONFIG, vd.videoConfig().toJson().toString());
        }
        m.put(KEY_DTYPE, float16 ? "float16" : "float32");
        if (meta != null) {
            m.putAll(meta.entries());
        }
        String prefix = prefix(kind);
        try (NDManager scratch = module.manager().newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            module.stateDict().forEach((k, v) -> {
                NDArray t = float16 && v.getDataType() != DataType.FLOAT16 ? v.toType(DataType.FLOAT16, false) : v;
                if (t != v) {
                    t.attach(scratch);
                }
                tensors.put(prefix + k, t);
            });
            SafetensorsWriter.write(file, tensors, m);
        }
    }

    private static JsonObject configOf(Module module) {
        if (module instanceof VideoUNet v) {
            return v.videoConfig().toJson();
        } else if (module instanceof UNetModel u) {
            return u.config().toJson();
        } else if (module instanceof AutoencoderKL ae) {
            return ae.toJson();
        } else if (module instanceof VideoDecoder vd) {
            return vd.videoConfig().toJson();
        } else if (module instanceof org.videoldm.model.detector.ToyVideoNet t) {
            return t.config().toJson();
        } else if (module instanceof CLIPTextModel t) {
            return t.config().toJson();
        } else if (module instanceof BoxLDM b) {
            return b.toJson();
        }
        return ((Discriminator3D) module).config().toJson();
    }

    /** Only the metadata (nothing is loaded). */
    public static Map<String, String> metadata(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return new LinkedHashMap<>(f.metadata());
        }
    }

    /** Rebuilds the module from the file's description and loads its weights strictly, as float32, into {@code manager}. */
    public static SavedNetwork load(Path file, NDManager manager) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such network file");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, String> meta = new LinkedHashMap<>(f.metadata());
            if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
                throw new IllegalArgumentException(file + ": not a saved network (metadata " + KEY_FORMAT + " is " + meta.get(KEY_FORMAT)
                        + ", expected " + FORMAT + ")");
            }
            String kind = meta.get(KEY_KIND);
            JsonObject config = json(file, meta, KEY_CONFIG);
            Module module;
            try {
                module = build(manager, kind, config, meta.containsKey(KEY_DECODER_CONFIG) ? json(file, meta, KEY_DECODER_CONFIG) : null);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": cannot build the " + kind + " it describes: " + e.getMessage(), e);
            }
            StateDict.load(module, f, prefix(kind));
            return new SavedNetwork(file, module, kind, config, meta);
        }
    }

    private static Module build(NDManager m, String kind, JsonObject config, JsonObject decoderConfig) {
        switch (kind == null ? "" : kind) {
            case "UNetModel":
                return new UNetModel(m, UNetConfig.fromJson(config));
            case "VideoUNet":
                return new VideoUNet(m, VideoUNetConfig.fromJson(config));
            case "AutoencoderKL": {
                if (decoderConfig == null) {
                    return AutoencoderKL.fromJson(m, config);
                }
                DDConfig dd = DDConfig.fromJson(config.getAsJsonObject("ddconfig"));
                return new AutoencoderKL(m, dd, config.get("embed_dim").getAsInt(), new VideoDecoder(m, VideoDecoderConfig.fromJson(decoderConfig)));
            }
            case "VideoDecoder":
                return new VideoDecoder(m, VideoDecoderConfig.fromJson(config));
            case "Discriminator3D":
                return new Discriminator3D(m, Discriminator3D.Config.fromJson(config));
            case "ToyVideoNet":
                return new org.videoldm.model.detector.ToyVideoNet(m, org.videoldm.model.detector.ToyVideoNet.Config.fromJson(config));
            case "CLIPTextModel":
                return new CLIPTextModel(m, CLIPTextConfig.fromJson(config));
            case "BoxLDM":
                return BoxLDM.fromJson(m, config);
            default:
                throw new IllegalArgumentException("unknown kind '" + kind + "'");
        }
    }

    private static JsonObject json(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": metadata '" + key + "' is missing");
        }
        try {
            return JsonParser.parseString(v).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": metadata '" + key + "' is not a JSON object: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public Module module() {
        return module;
    }

    /** The module as the expected class, or an error naming the file and what it holds. */
    public <T extends Module> T module(Class<T> type) {
        if (!type.isInstance(module)) {
            throw new IllegalArgumentException(path + ": holds a " + kind + ", expected a " + type.getSimpleName());
        }
        return type.cast(module);
    }

    public String kind() {
        return kind;
    }

    /** The constructor kwargs it was built from. */
    public JsonObject config() {
        return config;
    }

    /** Every metadata entry as stored. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public String get(String key) {
        return metadata.get(key);
    }

    /** The denoiser description, or null. */
    public JsonObject denoiser() {
        return optionalJson(KEY_DENOISER);
    }

    public OptionalDouble scaleFactor() {
        String v = metadata.get(KEY_SCALE_FACTOR);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v));
    }

    public OptionalInt frames() {
        String v = metadata.get(KEY_FRAMES);
        return v == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v));
    }

    /** Frame {height, width} in pixels, or null if not recorded. */
    public int[] frameSize() {
        String v = metadata.get(KEY_FRAME_SIZE);
        if (v == null) {
            return null;
        }
        String[] hw = v.split("x");
        return new int[] {Integer.parseInt(hw[0].trim()), Integer.parseInt(hw[1].trim())};
    }

    /** What concatenated / vector inputs mean, or null. */
    public JsonObject conditioning() {
        return optionalJson(KEY_CONDITIONING);
    }

    /** The model card as JSON, or null. */
    public JsonObject card() {
        return optionalJson(KEY_CARD);
    }

    private JsonObject optionalJson(String key) {
        return metadata.containsKey(key) ? json(path, metadata, key) : null;
    }
}
