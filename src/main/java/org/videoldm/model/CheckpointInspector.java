package org.videoldm.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.io.TensorInfo;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.autoencoder.Decoder;
import org.videoldm.model.autoencoder.Encoder;
import org.videoldm.nn.Module;

/**
 * What a checkpoint holds: its tensors grouped by top-level prefix ({@code model.diffusion_model},
 * {@code first_stage_model.decoder}, {@code conditioner.embedders.0}, ...), with counts, and which of our
 * networks its groups fit. A network is recognised by its keys (a UNet by {@code input_blocks.0.0.weight},
 * a video UNet by {@code time_stack} layers, a temporal decoder by {@code time_stack}/{@code time_mix_*}),
 * its config is inferred from the shapes ({@link ShapeInference}), and the network is built and compared
 * with the checkpoint key by key and shape by shape, as strict loading would.
 */
public final class CheckpointInspector {
    private CheckpointInspector() {}

    /** Tensors under one prefix. */
    public record Group(String prefix, int tensors, long parameters, TreeSet<String> dtypes) {}

    /**
     * A network found in the checkpoint.
     *
     * @param problem null if every key and shape fits the network built from {@code inferred}; else why not
     *     (or why the check was skipped)
     */
    public record Fit(String prefix, ShapeInference.Inferred inferred, long parameters, String problem) {
        public boolean fits() {
            return problem == null;
        }
    }

    public record Report(int tensors, long parameters, List<Group> groups, List<Fit> fits) {}

    /** Top-level group of a key: two components for the usual containers, one otherwise. */
    static String groupOf(String key) {
        String[] p = key.split("\\.");
        if (p.length >= 3 && p[0].equals("conditioner") && p[1].equals("embedders")) {
            return String.join(".", p[0], p[1], p[2]);
        }
        if (p.length >= 3 && (p[0].equals("model") || p[0].equals("first_stage_model") || p[0].equals("cond_stage_model"))) {
            return p[0] + "." + p[1];
        }
        return p.length > 1 ? p[0] : "(top level)";
    }

    /**
     * Inspects a checkpoint. With {@code build} the recognised networks are constructed to check the fit
     * (memory: their full float32 size); without it only the inference runs.
     */
    public static Report inspect(SafetensorsFile file, NDManager manager, boolean build) {
        Map<String, TensorInfo> all = file.tensors();
        Map<String, Group> groups = new TreeMap<>();
        long total = 0;
        for (TensorInfo t : all.values()) {
            String g = groupOf(t.name());
            Group old = groups.getOrDefault(g, new Group(g, 0, 0, new TreeSet<>()));
            TreeSet<String> dt = new TreeSet<>(old.dtypes());
            dt.add(t.dtype().name());
            groups.put(g, new Group(g, old.tensors() + 1, old.parameters() + t.numel(), dt));
            total += t.numel();
        }
        List<Fit> fits = new ArrayList<>();
        for (String prefix : candidatePrefixes(all.keySet(), "input_blocks.0.0.weight")) {
            fits.add(check(prefix, all, manager, build, k -> ShapeInference.unet(k)));
        }
        TreeSet<String> autoencoders = candidatePrefixes(all.keySet(), "quant_conv.weight");
        autoencoders.removeIf(p -> !all.containsKey(p + "encoder.conv_in.weight") || !all.containsKey(p + "decoder.conv_in.weight"));
        for (String prefix : autoencoders) {
            fits.add(check(prefix, all, manager, build, CheckpointInspector::autoencoder));
        }
        for (String prefix : candidatePrefixes(all.keySet(), "conv_in.weight")) {
            if (autoencoders.stream().anyMatch(prefix::startsWith)) {
                continue;
            }
            if (all.containsKey(prefix + "up.0.block.0.conv1.weight")) {
                fits.add(check(prefix, all, manager, build, ShapeInference::decoder));
            } else if (all.containsKey(prefix + "down.0.block.0.conv1.weight")) {
                fits.add(check(prefix, all, manager, build, ShapeInference::encoder));
            }
        }
        return new Report(all.size(), total, new ArrayList<>(groups.values()), fits);
    }

    /** Every prefix P such that P + marker is a key. */
    static TreeSet<String> candidatePrefixes(java.util.Collection<String> keys, String marker) {
        TreeSet<String> out = new TreeSet<>();
        for (String k : keys) {
            if (k.equals(marker) || k.endsWith("." + marker)) {
                out.add(k.substring(0, k.length() - marker.length()));
            }
        }
        return out;
    }

    private static ShapeInference.Inferred autoencoder(Map<String, Shape> k) {
        Map<String, Shape> enc = strip(k, "encoder.");
        ShapeInference.Inferred e = ShapeInference.encoder(enc);
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("embed_dim", k.get("quant_conv.weight").get(0) / 2);
        o.add("ddconfig", e.kwargs());
        return new ShapeInference.Inferred("AutoencoderKL", o, e.assumptions());
    }

    private static Map<String, Shape> strip(Map<String, Shape> keys, String prefix) {
        Map<String, Shape> out = new LinkedHashMap<>();
        keys.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static Fit check(String prefix, Map<String, TensorInfo> all, NDManager manager, boolean build,
            java.util.function.Function<Map<String, Shape>, ShapeInference.Inferred> infer) {
        Map<String, Shape> keys = new LinkedHashMap<>();
        long params = 0;
        for (TensorInfo t : all.values()) {
            if (t.name().startsWith(prefix)) {
                keys.put(t.name().substring(prefix.length()), t.shape());
                params += t.numel();
            }
        }
        ShapeInference.Inferred inferred;
        try {
            inferred = infer.apply(keys);
        } catch (RuntimeException e) {
            return new Fit(prefix, new ShapeInference.Inferred("?", new com.google.gson.JsonObject(), List.of()), params, e.getMessage());
        }
        if (!build) {
            return new Fit(prefix, inferred, params, "not checked (--no-build)");
        }
        try (NDManager scratch = manager.newSubManager()) {
            Module m = build(scratch, inferred);
            return new Fit(prefix, inferred, params, StateDict.mismatch(m, keys, prefix.isEmpty() ? "(no prefix)" : prefix));
        } catch (RuntimeException e) {
            return new Fit(prefix, inferred, params, "cannot build " + inferred.module() + ": " + e.getMessage());
        }
    }

    /** Builds our network for an inferred reference config. */
    public static Module build(NDManager m, ShapeInference.Inferred inferred) {
        return switch (inferred.module()) {
            case "UNetModel" -> new UNetModel(m, UNetConfig.fromJson(inferred.kwargs()));
            case "VideoUNet" -> new VideoUNet(m, VideoUNetConfig.fromJson(inferred.kwargs()));
            case "Decoder" -> new Decoder(m, DDConfig.fromJson(inferred.kwargs()));
            case "VideoDecoder" -> new VideoDecoder(m, VideoDecoderConfig.fromJson(inferred.kwargs()));
            case "Encoder" -> new Encoder(m, DDConfig.fromJson(inferred.kwargs()));
            case "AutoencoderKL" -> AutoencoderKL.fromJson(m, inferred.kwargs());
            default -> throw new IllegalArgumentException("no network for " + inferred.module());
        };
    }
}
