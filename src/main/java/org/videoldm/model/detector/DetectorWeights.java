package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;

/** Loading detector weights from safetensors, and the fixed-seed random weights of the "-rand" detectors. */
public final class DetectorWeights {
    private DetectorWeights() {}

    /**
     * Strict load of {@code prefix}-ed keys. BatchNorm's {@code num_batches_tracked} counters are skipped:
     * they exist in state dicts saved by newer PyTorch but never affect evaluation.
     */
    public static void load(Module module, Path file, String prefix) {
        String p = prefix == null ? "" : prefix;
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager scratch = module.manager().newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String k : f.keys()) {
                if (k.startsWith(p) && !k.endsWith("num_batches_tracked")) {
                    tensors.put(k.substring(p.length()), f.get(k, scratch));
                }
            }
            StateDict.load(module, tensors, file + (p.isEmpty() ? "" : " (prefix '" + p + "')"));
        }
    }

    /**
     * Fills every parameter from a seeded Java generator (so the result does not depend on the engine's
     * random number generator): convolution and linear weights He-normal ({@code sqrt(2 / fan_in)}), which
     * keeps activations at unit scale through the ReLU stack; batch-norm weights and running variances
     * 1; biases and running means 0. Each parameter's stream is seeded from the seed and its name.
     */
    public static void randomize(Module module, long seed) {
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            String name = e.getKey();
            NDArray target = e.getValue().getArray();
            long[] shape = target.getShape().getShape();
            float[] values = new float[(int) target.size()];
            if (shape.length >= 2) {
                long fanIn = target.size() / shape[0];
                double std = Math.sqrt(2.0 / fanIn);
                SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (rng.nextGaussian() * std);
                }
            } else if (name.endsWith("running_var") || (name.endsWith(".weight") && name.contains("bn"))) {
                java.util.Arrays.fill(values, 1f);
            }
            try (NDManager scratch = module.manager().newSubManager()) {
                StateDict.assign(target, scratch.create(values, target.getShape()));
            }
        }
    }
}
