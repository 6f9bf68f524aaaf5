package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;

/**
 * The split the paper trains on: temporal parameters (the layers added to turn an image LDM into a video
 * LDM) against spatial ones (the image model's, frozen during temporal alignment). A parameter is temporal
 * when its key names one of the reference's temporal layers.
 */
public final class TemporalParameters {
    /** Key parts that mark a temporal layer, as the reference names them. */
    public static final List<String> MARKERS = List.of(
            "time_stack", "time_mixer", "mix_factor", "time_pos_embed", "time_mix_conv", "time_mix_block", "video_time_embed");

    private TemporalParameters() {}

    /** Whether a state-dict key belongs to a temporal layer. */
    public static boolean isTemporal(String key) {
        for (String part : key.split("\\.")) {
            if (MARKERS.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parameter counts of both groups and the names currently trainable.
     *
     * @param temporalCount elements in temporal parameters (buffers excluded)
     * @param spatialCount elements in spatial parameters (buffers excluded)
     * @param trainable keys of the parameters that take gradients, in state-dict order
     * @param trainableCount elements in those
     */
    public record Report(long temporalCount, long spatialCount, List<String> trainable, long trainableCount) {
        public String summary() {
            return String.format(java.util.Locale.ROOT, "temporal %,d parameters, spatial %,d, trainable %,d in %d tensors",
                    temporalCount, spatialCount, trainableCount, trainable.size());
        }
    }

    /** Counts both groups and lists what is trainable now. */
    public static Report report(Module module) {
        Set<String> buffers = module.bufferNames();
        long temporal = 0;
        long spatial = 0;
        long trainableCount = 0;
        List<String> trainable = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            if (buffers.contains(e.getKey())) {
                continue;
            }
            if (isTemporal(e.getKey())) {
                temporal += a.size();
            } else {
                spatial += a.size();
            }
            if (a.hasGradient()) {
                trainable.add(e.getKey());
                trainableCount += a.size();
            }
        }
        return new Report(temporal, spatial, trainable, trainableCount);
    }

    /** Temporal alignment: temporal parameters trainable, spatial ones (and buffers) frozen. Returns the report. */
    public static Report freezeSpatial(Module module) {
        module.setTrainable(TemporalParameters::isTemporal);
        return report(module);
    }

    /**
     * Copies every parameter of an image network into the same key of its video counterpart. Every image key
     * must exist there with the same shape, and every video key left over must be temporal, so a mismatch in
     * the two configs is an error naming the keys rather than a half-converted model.
     */
    public static void copySpatial(Module image, Module video) {
        Map<String, Parameter> target = video.namedParameters();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : image.stateDict().entrySet()) {
            Parameter p = target.get(e.getKey());
            if (p == null) {
                problems.add("image key " + e.getKey() + " has no place in the video network");
            } else if (!p.getArray().getShape().equals(e.getValue().getShape())) {
                problems.add(e.getKey() + ": image " + e.getValue().getShape() + ", video " + p.getArray().getShape());
            } else if (isTemporal(e.getKey())) {
                problems.add("image key " + e.getKey() + " looks temporal");
            }
        }
        Set<String> imageKeys = image.stateDict().keySet();
        for (String k : target.keySet()) {
            if (!imageKeys.contains(k) && !isTemporal(k)) {
                problems.add("spatial key " + k + " of the video network is not in the image network");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("image and video networks do not correspond (" + problems.size() + " problems): "
                    + String.join("; ", problems.subList(0, Math.min(problems.size(), 20))));
        }
        image.stateDict().forEach((k, v) -> StateDict.assign(target.get(k).getArray(), v));
    }

    /**
     * The temporal parameter keys inside blocks of the given class (e.g. the 3D-convolution residual blocks,
     * {@link VideoResBlock}, or the temporal attention of {@link SpatialVideoTransformer}).
     */
    public static Set<String> temporalKeysIn(Module root, Class<?> blockClass) {
        Set<String> out = new java.util.LinkedHashSet<>();
        collect("", root, blockClass, false, out);
        return out;
    }

    private static void collect(String prefix, ai.djl.nn.Block block, Class<?> blockClass, boolean inside, Set<String> out) {
        boolean in = inside || blockClass.isInstance(block);
        for (ai.djl.util.Pair<String, Parameter> p : block.getDirectParameters()) {
            String k = prefix + p.getKey();
            if (in && isTemporal(k)) {
                out.add(k);
            }
        }
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : block.getChildren()) {
            collect(prefix + c.getKey() + ".", c.getValue(), blockClass, in, out);
        }
    }
}
