package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.videoldm.conformance.ConformanceResult.Status;

/** Runs fixtures and compares outputs with the allclose rule {@code |a - e| <= atol + rtol * |e|}. */
public final class ConformanceRunner {
    private ConformanceRunner() {}

    /** Fixture folders in {@code root} (those with a config.json), sorted by name. */
    public static List<Path> discover(Path root) throws IOException {
        if (Files.isRegularFile(root.resolve("config.json"))) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        }
    }

    public static List<ConformanceResult> run(Path dir, NDManager parent) {
        String name = dir.getFileName().toString();
        List<ConformanceResult> results = new ArrayList<>();
        try (NDManager manager = parent.newSubManager()) {
            Fixture fixture = Fixture.load(dir, manager);
            Optional<FixtureKind> kind = FixtureKinds.find(fixture);
            if (kind.isEmpty()) {
                results.add(new ConformanceResult(name, null, Status.UNSUPPORTED, 0, 0, fixture.reference()));
                return results;
            }
            Map<String, NDArray> actual = kind.get().run(fixture, manager);
            Map<String, NDArray> expected = kind.get().expected(fixture, manager);
            if (expected.isEmpty()) {
                results.add(new ConformanceResult(name, null, Status.ERROR, 0, 0, "the fixture lists no expected outputs"));
            }
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                NDArray got = actual.get(e.getKey());
                if (got == null) {
                    results.add(new ConformanceResult(name, e.getKey(), Status.FAIL, Double.NaN, Double.NaN, kind.get().name() + " did not produce this output"));
                } else {
                    results.add(compare(name, e.getKey(), got, e.getValue(), fixture.atol(), fixture.rtol()));
                }
            }
        } catch (RuntimeException e) {
            results.add(new ConformanceResult(name, null, Status.ERROR, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return results;
    }

    public static ConformanceResult compare(String fixture, String output, NDArray actual, NDArray expected, double atol, double rtol) {
        if (!actual.getShape().equals(expected.getShape())) {
            return new ConformanceResult(fixture, output, Status.FAIL, Double.NaN, Double.NaN, "shape " + actual.getShape() + ", expected " + expected.getShape());
        }
        double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
        double maxAbs = 0;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - e[i]);
            if (Double.isNaN(d)) {
                return new ConformanceResult(fixture, output, Status.FAIL, Double.NaN, Double.NaN, "NaN at flat index " + i);
            }
            maxAbs = Math.max(maxAbs, d);
            worst = Math.max(worst, d / (atol + rtol * Math.abs(e[i]) + Double.MIN_VALUE));
        }
        return new ConformanceResult(fixture, output, worst <= 1.0 ? Status.PASS : Status.FAIL, maxAbs, worst, null);
    }
}
