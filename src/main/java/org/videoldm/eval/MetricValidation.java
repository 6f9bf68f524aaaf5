package org.videoldm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.videoldm.data.RgbFrame;
import org.videoldm.metrics.CutRate;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.FeatureExtractor;
import org.videoldm.metrics.FrechetDistance;
import org.videoldm.util.Seeds;

/**
 * Does a metric see what it should? Scores real clips against copies of themselves distorted by each
 * {@link Corruptions.Kind} at increasing strengths: a distance metric must be 0 for the clean copy and grow with every
 * strength; the frame-change and cut-rate values of the distorted clips are listed beside, for what they do and do
 * not see. One row per corruption, strength and metric.
 */
public final class MetricValidation {
    private MetricValidation() {}

    /** One value of the table. */
    public record Row(String corruption, int strength, String metric, double value) {
        public String line() {
            // a Frechet distance of a set with itself can come out as -1e-12: shown as the 0 it is
            return String.format(Locale.ROOT, "%-15s %d %-12s %.4f", corruption, strength, metric, Math.abs(value) < 5e-5 ? 0.0 : value);
        }
    }

    /** The table and, for each distance metric, how many corruptions it ranked in order. */
    public record Result(List<Row> rows, Map<String, int[]> monotonic) {
        /** "K/N" for {@code metric}: corruptions whose values rose strictly from the clean copy through every strength. */
        public String monotonic(String metric) {
            int[] kn = monotonic.get(metric);
            return kn == null ? "-" : kn[0] + "/" + kn[1];
        }

        public double value(String corruption, int strength, String metric) {
            return rows.stream().filter(r -> r.corruption().equals(corruption) && r.strength() == strength && r.metric().equals(metric))
                    .mapToDouble(Row::value).findFirst().orElse(Double.NaN);
        }
    }

    /**
     * @param clips clean real clips (uint8 frames, all of one size and length)
     * @param detectors distance metrics by name: each a detector whose features go into a Frechet distance
     */
    public static Result run(List<List<RgbFrame>> clips, Map<String, FeatureDetector> detectors, long seed, int batchSize, NDManager m,
            java.util.function.Consumer<Row> progress) {
        Map<String, double[][]> clean = new LinkedHashMap<>();
        for (Map.Entry<String, FeatureDetector> d : detectors.entrySet()) {
            clean.put(d.getKey(), features(d.getValue(), clips, batchSize, m));
        }
        List<Row> rows = new ArrayList<>();
        Map<String, int[]> monotonic = new LinkedHashMap<>();
        detectors.keySet().forEach(k -> monotonic.put(k, new int[] {0, 0}));
        for (Corruptions.Kind kind : Corruptions.Kind.values()) {
            Map<String, double[]> values = new LinkedHashMap<>();
            for (int strength = 0; strength <= Corruptions.STRENGTHS; strength++) {
                List<List<RgbFrame>> distorted = new ArrayList<>();
                for (int i = 0; i < clips.size(); i++) {
                    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, kind.ordinal(), i));
                    distorted.add(Corruptions.apply(kind, strength, clips.get(i), rng));
                }
                for (Map.Entry<String, FeatureDetector> d : detectors.entrySet()) {
                    double v = strength == 0 ? 0 : FrechetDistance.distance(clean.get(d.getKey()), features(d.getValue(), distorted, batchSize, m), true);
                    values.computeIfAbsent(d.getKey(), k -> new double[Corruptions.STRENGTHS + 1])[strength] = v;
                    emit(rows, progress, new Row(kind.label(), strength, d.getKey(), v));
                }
                emit(rows, progress, new Row(kind.label(), strength, "frame change", FrameChange.ofFrames(distorted)));
                emit(rows, progress, new Row(kind.label(), strength, "cut rate", CutRate.of(distorted).rate()));
            }
            for (Map.Entry<String, double[]> e : values.entrySet()) {
                boolean rising = true;
                for (int s = 1; s < e.getValue().length; s++) {
                    rising &= e.getValue()[s] > e.getValue()[s - 1];
                }
                int[] kn = monotonic.get(e.getKey());
                kn[0] += rising ? 1 : 0;
                kn[1]++;
            }
        }
        return new Result(rows, monotonic);
    }

    private static void emit(List<Row> rows, java.util.function.Consumer<Row> progress, Row r) {
        rows.add(r);
        if (progress != null) {
            progress.accept(r);
        }
    }

    /** Features of clips (uint8 [N, T, H, W, 3]) or of their frames, as the detector takes them. */
    static double[][] features(FeatureDetector det, List<List<RgbFrame>> clips, int batchSize, NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            RgbFrame first = clips.get(0).get(0);
            int t = clips.get(0).size();
            int h = first.height();
            int w = first.width();
            byte[] data = new byte[clips.size() * t * h * w * 3];
            int at = 0;
            for (List<RgbFrame> c : clips) {
                for (RgbFrame f : c) {
                    System.arraycopy(f.rgb(), 0, data, at, f.rgb().length);
                    at += f.rgb().length;
                }
            }
            NDArray u8 = scope.create(java.nio.ByteBuffer.wrap(data), new Shape(clips.size(), t, h, w, 3), DataType.UINT8);
            NDArray input = det.input() == FeatureDetector.Input.CLIPS ? u8 : u8.reshape(clips.size() * t, h, w, 3);
            return FeatureExtractor.features(det, input, batchSize);
        }
    }

    /**
     * The standard validation: FVD-toy and FID-toy from the toy network {@code toy} (if it exists), and FVD-rand (a
     * seeded random I3D at 64 x 64), on {@code clips}; the detectors are closed afterwards.
     */
    public static Result standard(List<List<RgbFrame>> clips, java.nio.file.Path toy, long seed, NDManager m, java.util.function.Consumer<Row> progress) {
        Map<String, FeatureDetector> dets = new LinkedHashMap<>();
        try {
            if (toy != null && java.nio.file.Files.isRegularFile(toy)) {
                dets.put("FVD-toy", org.videoldm.metrics.ToyDetector.load(toy, FeatureDetector.Input.CLIPS));
                dets.put("FID-toy", org.videoldm.metrics.ToyDetector.load(toy, FeatureDetector.Input.FRAMES));
            }
            FeatureDetector i3d = org.videoldm.metrics.I3DDetector.random(seed, 64);
            dets.put(i3d.metricName("FVD"), i3d);
            return run(clips, dets, seed, 8, m, progress);
        } finally {
            for (FeatureDetector d : dets.values()) {
                try {
                    d.close();
                } catch (Exception e) {
                    // closing frees native memory only; nothing to report
                }
            }
        }
    }

    /** One row per corruption and strength, one column per metric, as in the paper's FVD validation. */
    public static tech.tablesaw.api.Table table(String title, Result r) {
        List<String> metrics = r.rows().stream().map(Row::metric).distinct().toList();
        tech.tablesaw.api.StringColumn corruption = tech.tablesaw.api.StringColumn.create("corruption");
        tech.tablesaw.api.IntColumn strength = tech.tablesaw.api.IntColumn.create("strength");
        List<tech.tablesaw.api.StringColumn> values = metrics.stream().map(tech.tablesaw.api.StringColumn::create).toList();
        r.rows().stream().map(row -> row.corruption() + "\u0000" + row.strength()).distinct().forEach(key -> {
            String[] k = key.split("\u0000");
            corruption.append(k[0]);
            strength.append(Integer.parseInt(k[1]));
            for (int j = 0; j < metrics.size(); j++) {
                double v = r.value(k[0], Integer.parseInt(k[1]), metrics.get(j));
                values.get(j).append(String.format(Locale.ROOT, "%.4g", Math.abs(v) < 5e-5 ? 0.0 : v));
            }
        });
        tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create(title, corruption, strength);
        values.forEach(t::addColumns);
        return t;
    }
}
