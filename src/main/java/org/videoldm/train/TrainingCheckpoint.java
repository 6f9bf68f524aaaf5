package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;

/**
 * A resumable training state in one safetensors file (written to a temporary file and renamed):
 * {@code model.<key>} every parameter, {@code ema.<key>} the EMA of each trainable parameter,
 * {@code optim.m.<key>} / {@code optim.v.<key>} AdamW's moments, and string metadata: {@code format}, {@code step},
 * {@code optimizer_steps}, {@code ema_updates}, {@code seed}, {@code config} (the trainer config as JSON) and
 * {@code rng}. All randomness is derived from (seed, step), so seed and step are the whole generator state.
 * The {@code model.} keys load into the reference's module layout with that prefix.
 */
public final class TrainingCheckpoint {
    public static final String FORMAT = "videoldm.training_checkpoint/1";

    private TrainingCheckpoint() {}

    /** What a checkpoint's metadata says. */
    public record Info(long step, long optimizerSteps, long emaUpdates, long seed, JsonObject config) {}

    public static void save(Path file, Module module, Ema ema, AdamW optimizer, long step, long seed, TrainerConfig config) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        module.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        if (ema != null) {
            ema.shadow().forEach((k, v) -> tensors.put("ema." + k, v));
        }
        optimizer.firstMoments().forEach((k, v) -> tensors.put("optim.m." + k, v));
        optimizer.secondMoments().forEach((k, v) -> tensors.put("optim.v." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("optimizer_steps", Long.toString(optimizer.stepCount()));
        meta.put("ema_updates", Long.toString(ema == null ? 0 : ema.numUpdates()));
        meta.put("seed", Long.toString(seed));
        // where the files were is not part of the run: checkpoints move between machines (and into the repository)
        com.google.gson.JsonObject settings = config.toJson();
        settings.remove("checkpoint");
        settings.remove("lossLog");
        meta.put("config", settings.toString());
        meta.put("rng", "derived from (seed, step); no generator state");
        SafetensorsWriter.write(file, tensors, meta);
    }

    public static Info info(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return info(f);
        }
    }

    private static Info info(SafetensorsFile f) {
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IllegalArgumentException(f.path() + ": not a training checkpoint (metadata format is " + meta.get("format") + ", expected " + FORMAT + ")");
        }
        try {
            return new Info(Long.parseLong(meta.get("step")), Long.parseLong(meta.get("optimizer_steps")), Long.parseLong(meta.get("ema_updates")),
                    Long.parseLong(meta.get("seed")), JsonParser.parseString(meta.get("config")).getAsJsonObject());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f.path() + ": damaged checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /** Restores the model, EMA and optimizer; returns the metadata. */
    public static Info load(Path file, Module module, Ema ema, AdamW optimizer) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scratch = module.manager().newSubManager()) {
            Info info = info(f);
            StateDict.load(module, f, "model.");
            if (ema != null) {
                ema.load(info.emaUpdates(), prefixed(f, "ema.", scratch));
            }
            optimizer.load(info.optimizerSteps(), prefixed(f, "optim.m.", scratch), prefixed(f, "optim.v.", scratch));
            return info;
        }
    }

    /** Loads only weights for inference: the EMA average where there is one (useEma), else the trained weights. */
    public static void loadWeights(Path file, Module module, boolean useEma) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scratch = module.manager().newSubManager()) {
            info(f);
            StateDict.load(module, f, "model.");
            if (useEma) {
                Map<String, NDArray> params = module.stateDict();
                prefixed(f, "ema.", scratch).forEach((k, v) -> {
                    NDArray p = params.get(k);
                    if (p == null) {
                        throw new IllegalArgumentException(file + ": EMA key '" + k + "' is not a parameter of " + module.getClass().getSimpleName());
                    }
                    StateDict.assign(p, v);
                });
            }
        }
    }

    private static Map<String, NDArray> prefixed(SafetensorsFile f, String prefix, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String k : f.keys()) {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), f.get(k, m));
            }
        }
        return out;
    }
}
