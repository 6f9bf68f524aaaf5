package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.function.Function;

/** Runs a detector over many inputs in batches, each batch in its own scope, and returns float64 rows. */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /** {@code inputs}: uint8 [N, ...] in the detector's input layout. */
    public static double[][] features(FeatureDetector det, NDArray inputs, int batchSize) {
        return run(inputs, batchSize, det::features);
    }

    public static double[][] logits(FeatureDetector det, NDArray inputs, int batchSize) {
        return run(inputs, batchSize, det::logits);
    }

    /** Inputs given one by one (each [1, ...] or unbatched), stacked batch by batch. */
    public static double[][] features(FeatureDetector det, List<NDArray> items, int batchSize) {
        double[][] out = new double[items.size()][];
        for (int start = 0; start < items.size(); start += batchSize) {
            int end = Math.min(items.size(), start + batchSize);
            NDManager parent = items.get(start).getManager();
            try (NDManager scope = parent.newSubManager()) {
                NDList batch = new NDList();
                for (int i = start; i < end; i++) {
                    batch.add(items.get(i));
                }
                NDArray stacked = NDArrays.stack(batch, 0);
                stacked.attach(scope);
                copyRows(det.features(stacked), out, start);
            }
        }
        return out;
    }

    private static double[][] run(NDArray inputs, int batchSize, Function<NDArray, NDArray> fn) {
        int n = (int) inputs.getShape().get(0);
        double[][] out = new double[n][];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            try (NDManager scope = inputs.getManager().newSubManager()) {
                NDArray batch = inputs.get(new NDIndex("{}:{}", start, end));
                batch.attach(scope);
                copyRows(fn.apply(batch), out, start);
            }
        }
        return out;
    }

    static void copyRows(NDArray features, double[][] out, int start) {
        int rows = (int) features.getShape().get(0);
        int d = (int) (features.size() / rows);
        double[] flat = features.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int r = 0; r < rows; r++) {
            out[start + r] = java.util.Arrays.copyOfRange(flat, r * d, (r + 1) * d);
        }
    }
}
