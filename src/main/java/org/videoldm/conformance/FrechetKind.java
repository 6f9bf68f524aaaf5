package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.metrics.FrechetDistance;

/** The {@code frechet} fixtures: statistics of two feature sets and their Frechet distance. */
final class FrechetKind implements FixtureKind {
    @Override
    public String name() {
        return "frechet_distance";
    }

    @Override
    public boolean accepts(Fixture f) {
        return f.reference().startsWith("frechet_distance");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        FrechetDistance.Stats a = FrechetDistance.Stats.of(rows(f.input("features_a")));
        FrechetDistance.Stats b = FrechetDistance.Stats.of(rows(f.input("features_b")));
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("out.mu_a", vector(m, a.mu()));
        out.put("out.mu_b", vector(m, b.mu()));
        out.put("out.sigma_a", matrix(m, a.sigma()));
        out.put("out.sigma_b", matrix(m, b.sigma()));
        out.put("out.trace_sqrt_sigma_a_sigma_b", m.create((float) FrechetDistance.traceSqrtProduct(a.sigma(), b.sigma())));
        out.put("out.fd", m.create((float) FrechetDistance.distance(a, b)));
        return out;
    }

    static double[][] rows(NDArray features) {
        if (features.getShape().dimension() != 2) {
            throw new IllegalArgumentException("features must be [N, D], got " + features.getShape());
        }
        int n = (int) features.getShape().get(0);
        int d = (int) features.getShape().get(1);
        double[] flat = features.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }

    private static NDArray vector(NDManager m, double[] v) {
        return m.create(v).toType(DataType.FLOAT32, false);
    }

    private static NDArray matrix(NDManager m, double[][] v) {
        int d = v.length;
        double[] flat = new double[d * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(v[i], 0, flat, i * d, d);
        }
        return m.create(flat, new Shape(d, d)).toType(DataType.FLOAT32, false);
    }
}
