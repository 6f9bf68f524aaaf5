package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.RgbFrame;
import org.videoldm.metrics.CutRate;
import org.videoldm.metrics.FeatureDetector;

/** The distortions do what their names say, more so at each strength, and the validation table counts rising metrics. */
class CorruptionsTest {
    static List<RgbFrame> clip(long seed) {
        return DrivingSceneRenderer.render(DrivingScene.random(seed), 8, 32, 64);
    }

    static double meanAbsDiff(List<RgbFrame> a, List<RgbFrame> b) {
        double s = 0;
        long n = 0;
        for (int t = 0; t < a.size(); t++) {
            byte[] x = a.get(t).rgb();
            byte[] y = b.get(t).rgb();
            for (int i = 0; i < x.length; i++) {
                s += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
            }
            n += x.length;
        }
        return s / n;
    }

    static int repeats(List<RgbFrame> c) {
        int r = 0;
        for (int t = 1; t < c.size(); t++) {
            r += java.util.Arrays.equals(c.get(t).rgb(), c.get(t - 1).rgb()) ? 1 : 0;
        }
        return r;
    }

    @Test
    void eachDistortionGrowsWithItsStrength() {
        List<RgbFrame> c = clip(3);
        for (Corruptions.Kind k : Corruptions.Kind.values()) {
            assertEquals(c, Corruptions.apply(k, 0, c, new SplittableRandom(1)), k + " at strength 0 changes nothing");
            double previous = 0;
            for (int s = 1; s <= Corruptions.STRENGTHS; s++) {
                List<RgbFrame> d = Corruptions.apply(k, s, c, new SplittableRandom(1));
                assertEquals(8, d.size());
                double change = meanAbsDiff(c, d);
                assertTrue(change > previous, k + " strength " + s + ": " + change + " after " + previous);
                previous = change;
            }
        }
        assertEquals(4, repeats(Corruptions.apply(Corruptions.Kind.FREEZE, 2, c, new SplittableRandom(1))), "the last 4 frames repeat the one before");
        assertEquals(7, repeats(Corruptions.apply(Corruptions.Kind.FREEZE, 3, c, new SplittableRandom(1))), "a still clip");
        assertEquals(4, repeats(Corruptions.apply(Corruptions.Kind.DROP_REPEAT, 3, c, new SplittableRandom(1))));
        List<RgbFrame> swapped = Corruptions.apply(Corruptions.Kind.DAY_NIGHT_SWAP, 3, c, new SplittableRandom(1));
        assertSame(c.get(3), swapped.get(3), "the first half is untouched");
        assertTrue(CutRate.meanLuma(swapped.get(4)) < 0.3 * CutRate.meanLuma(c.get(4)));
        List<RgbFrame> shuffled = Corruptions.apply(Corruptions.Kind.SHUFFLE, 1, c, new SplittableRandom(1));
        List<RgbFrame> sorted = new ArrayList<>(shuffled);
        assertNotEquals(c, shuffled);
        assertTrue(c.containsAll(sorted) && sorted.containsAll(c), "the same frames, in another order");
    }

    /** A detector whose features are each clip's mean colour and mean frame-to-frame change: enough to rank the distortions. */
    static final class Simple implements FeatureDetector {
        @Override public String name() { return "simple"; }
        @Override public Input input() { return Input.CLIPS; }
        @Override public boolean comparable() { return false; }
        @Override public int featureDim() { return 4; }
        @Override public NDArray logits(NDArray batch) { return features(batch); }
        @Override public void close() { }

        @Override
        public NDArray features(NDArray batch) {
            NDArray x = batch.toType(DataType.FLOAT32, false).div(255f);
            NDArray colour = x.mean(new int[] {1}).mean(new int[] {1}).mean(new int[] {1}); // [N, 3]
            NDArray motion = x.get(":, 1:").sub(x.get(":, :-1")).abs().reshape(x.getShape().get(0), -1).mean(new int[] {1}).reshape(-1, 1);
            return colour.concat(motion, 1);
        }
    }

    @Test
    void theTableCountsMetricsThatRiseWithEveryStrength() {
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clips.add(clip(10 + i));
        }
        try (NDManager m = NDManager.newBaseManager(); FeatureDetector d = new Simple()) {
            MetricValidation.Result r = MetricValidation.run(clips, Map.of("simple", d), 0, 4, m, null);
            assertEquals(6 * 4 * 3, r.rows().size(), "6 distortions x 4 strengths x (1 distance + frame change + cut rate)");
            for (Corruptions.Kind k : Corruptions.Kind.values()) {
                assertEquals(0.0, r.value(k.label(), 0, "simple"), 0.0, "the clean copy is at distance 0");
            }
            assertTrue(r.value("freeze", 3, "frame change") == 0.0, "a still clip does not change");
            assertTrue(r.value("day night swap", 3, "cut rate") > 0, "the swap is a cut");
            String kn = r.monotonic("simple");
            assertTrue(kn.endsWith("/6"), kn);
            assertTrue(Integer.parseInt(kn.split("/")[0]) >= 4, "mean colour and motion see most distortions: " + kn);
            tech.tablesaw.api.Table t = MetricValidation.table("validation", r);
            assertEquals(6 * 4, t.rowCount(), "a row per corruption and strength");
            assertEquals(List.of("corruption", "strength", "simple", "frame change", "cut rate"), t.columnNames());
            for (int row = 0; row < t.rowCount(); row++) {
                String kind = t.stringColumn("corruption").get(row);
                int strength = t.intColumn("strength").get(row);
                assertEquals(r.value(kind, strength, "cut rate"), Double.parseDouble(t.stringColumn("cut rate").get(row)), 1e-3,
                        kind + " " + strength + ": the table shows the result's value");
            }
        }
    }
}
