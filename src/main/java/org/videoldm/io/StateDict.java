package org.videoldm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.videoldm.nn.Module;

/**
 * Strict loading and saving of a {@link Module}'s parameters by the reference's key names. An
 * optional prefix selects one network out of a full checkpoint ({@code model.diffusion_model.},
 * {@code first_stage_model.}); keys outside the prefix are ignored, keys inside it must match.
 */
public final class StateDict {
    private static final int MAX_LISTED = 40;

    private StateDict() {}

    public static void load(Module module, Path file, String prefix) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            load(module, f, prefix);
        }
    }

    public static void load(Module module, SafetensorsFile file, String prefix) {
        String p = prefix == null ? "" : prefix;
        Map<String, Parameter> params = module.namedParameters();
        Map<String, Shape> available = new LinkedHashMap<>();
        for (TensorInfo info : file.tensors().values()) {
            if (info.name().startsWith(p)) {
                available.put(info.name().substring(p.length()), info.shape());
            }
        }
        check(module, params, available, file.path() + (p.isEmpty() ? "" : " (prefix '" + p + "')"));
        NDManager manager = module.manager();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            try (NDManager scratch = manager.newSubManager()) {
                assign(e.getValue().getArray(), file.get(p + e.getKey(), scratch));
            }
        }
    }

    /** Loads from arrays in memory, with the same strict checks. */
    public static void load(Module module, Map<String, NDArray> tensors, String source) {
        Map<String, Parameter> params = module.namedParameters();
        Map<String, Shape> available = new LinkedHashMap<>();
        tensors.forEach((k, v) -> available.put(k, v.getShape()));
        check(module, params, available, source);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            assign(e.getValue().getArray(), tensors.get(e.getKey()));
        }
    }

    private static void check(Module module, Map<String, Parameter> params, Map<String, Shape> available, String source) {
        String problem = mismatch(module, available, source);
        if (problem != null) {
            throw new StateDictException(problem);
        }
    }

    /**
     * Why tensors of these names and shapes would not load strictly into {@code module} (missing, unexpected
     * and mis-shaped keys), or null when they fit. Only names and shapes are compared; nothing is read.
     */
    public static String mismatch(Module module, Map<String, Shape> available, String source) {
        Map<String, Parameter> params = module.namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Shape want = e.getValue().getArray().getShape();
            Shape have = available.get(e.getKey());
            if (have == null) {
                missing.add(e.getKey() + " " + want);
            } else if (!have.equals(want)) {
                mismatched.add(e.getKey() + ": checkpoint " + have + ", model " + want);
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        for (Map.Entry<String, Shape> e : available.entrySet()) {
            if (!params.containsKey(e.getKey())) {
                unexpected.add(e.getKey() + " " + e.getValue());
            }
        }
        if (missing.isEmpty() && mismatched.isEmpty() && unexpected.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": weights do not fit ").append(module.getClass().getSimpleName())
                .append(" (").append(missing.size()).append(" missing, ").append(unexpected.size())
                .append(" unexpected, ").append(mismatched.size()).append(" with wrong shape)");
        list(sb, "missing", missing);
        list(sb, "unexpected", new ArrayList<>(unexpected));
        list(sb, "wrong shape", mismatched);
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        sb.append("\n  ").append(title).append(":");
        for (int i = 0; i < Math.min(items.size(), MAX_LISTED); i++) {
            sb.append("\n    ").append(items.get(i));
        }
        if (items.size() > MAX_LISTED) {
            sb.append("\n    ... and ").append(items.size() - MAX_LISTED).append(" more");
        }
    }

    /**
     * Gives a parameter new values, converting the dtype. The Java object stays the same (modules keep
     * references to it) and so does its gradient flag; only the native tensor behind it is swapped.
     */
    public static void assign(NDArray target, NDArray source) {
        if (!source.getShape().equals(target.getShape())) {
            throw new StateDictException("cannot assign " + source.getShape() + " to parameter " + target.getName() + " " + target.getShape());
        }
        boolean grad = target.hasGradient();
        String name = target.getName();
        // toType with an unchanged dtype returns an alias in the PyTorch engine, and arrays created from
        // Java buffers (a memory-mapped file, a float[]) alias memory Java may free: clone into torch-owned storage.
        NDArray copy = realCopy(source, target.getDataType());
        copy.attach(target.getManager());
        target.intern(copy);
        target.setName(name);
        if (grad) {
            target.setRequiresGradient(true);
        }
    }

    /**
     * A copy that shares no memory with {@code a}. The PyTorch engine's {@code toType(sameType, true)} returns an
     * alias, which for arrays read from a memory-mapped file means read-only memory that is unmapped once the
     * file's buffer is collected; parameters and optimizer state must own their storage.
     */
    public static NDArray realCopy(NDArray a, DataType type) {
        return a.getDataType() == type ? a.duplicate() : a.toType(type, false);
    }

    /** Writes the module's parameters under {@code prefix}, so the file loads into the reference. */
    public static void save(Module module, Path file, String prefix, Map<String, String> metadata) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        String p = prefix == null ? "" : prefix;
        module.stateDict().forEach((k, v) -> out.put(p + k, v));
        SafetensorsWriter.write(file, out, metadata);
    }

    /** Float32 copies of every parameter, for snapshots (EMA, tests) that must not alias the model. */
    public static Map<String, NDArray> copy(Module module, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        module.stateDict().forEach((k, v) -> {
            NDArray c = realCopy(v, DataType.FLOAT32);
            c.attach(manager);
            out.put(k, c);
        });
        return out;
    }
}
