package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.Rollout;
import org.videoldm.metrics.FeatureDetector;

/** Per-window drift of rollouts on synthetic frames whose luma, colour, cuts and features are known in closed form. */
class RolloutDriftTest {
    @TempDir
    Path dir;

    /** T = 8, S = 1, the first frame given (as in simulate): windows start at 0, 7, 14, ... */
    static final RolloutDrift.Layout SIM = new RolloutDrift.Layout(8, 1, true);

    static List<RgbFrame> video(int frames, IntFunction<int[]> colourOfFrame) {
        List<RgbFrame> v = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            v.add(PromptFollowingTest.flat(colourOfFrame.apply(t)[0], colourOfFrame.apply(t)[1], colourOfFrame.apply(t)[2]));
        }
        return v;
    }

    /** A frame whose red rises 4 per column from {@code r} (mean r + 14): a slow ramp moves its histogram little, unlike a flat frame's. */
    static RgbFrame shaded(int r, int g, int b) {
        byte[] rgb = PromptFollowingTest.flat(r, g, b).rgb().clone();
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) (r + 4 * ((i / 3) % 8));
        }
        return new RgbFrame(8, 4, rgb);
    }

    @Test
    void layoutIsTheRollouts() {
        for (int t : new int[] {4, 8}) {
            for (int s = 1; s < t; s++) {
                Rollout r = new Rollout(null, null, t, s);
                for (boolean given : new boolean[] {false, true}) {
                    RolloutDrift.Layout l = new RolloutDrift.Layout(t, s, given);
                    for (int n = s + 1; n < 40; n++) {
                        assertEquals(r.windows(n, given ? s : 0), l.windows(n), "T " + t + " S " + s + " given " + given + " N " + n);
                    }
                }
            }
        }
        assertEquals(1, SIM.firstNew(0));
        assertEquals(15, SIM.firstNew(2));
        assertEquals(0, new RolloutDrift.Layout(8, 2, false).firstNew(0));
        assertEquals(8, new RolloutDrift.Layout(8, 2, false).firstNew(1));
        assertThrows(IllegalArgumentException.class, () -> new RolloutDrift.Layout(4, 4, true));
    }

    @Test
    void constantRolloutHasNoDriftAndNoCuts() {
        List<List<RgbFrame>> videos = List.of(video(22, t -> new int[] {90, 100, 110}), video(22, t -> new int[] {90, 100, 110}));
        List<RolloutDrift.Row> rows = RolloutDrift.rows(videos, SIM, null, 200, 0);
        assertEquals(3, rows.size()); // frames 0-7, 7-14, 14-21
        int pairs = 0;
        for (RolloutDrift.Row r : rows) {
            assertEquals(0.299 * 90 + 0.587 * 100 + 0.114 * 110, r.luma().value(), 1e-9);
            assertEquals(r.luma().value(), r.luma().low(), 1e-9);
            assertEquals(0, r.lumaChange().value(), 1e-12);
            assertEquals(0, r.colourDrift().value(), 1e-12);
            assertEquals(0, r.insideCuts().value());
            assertEquals(0, r.boundaryCuts().value());
            assertTrue(Double.isNaN(r.featureDrift().value()), "no detector, no feature drift");
            assertEquals(2, r.boundaryPairs());
            pairs += r.insidePairs() + r.boundaryPairs();
        }
        assertEquals(2 * 21, pairs, "inside and boundary pairs partition the video's frame pairs");
        assertEquals(2 * 6, rows.get(1).insidePairs());
        assertEquals(8, rows.get(2).frames());
    }

    @Test
    void brightnessRampShowsInLumaChangeAndColourDrift() {
        // red rises 3 per frame from a per-video start; green and blue stay: colour drift is |delta red|, luma change 0.299 of it
        List<List<RgbFrame>> videos = new ArrayList<>();
        for (int start : new int[] {40, 60, 50}) {
            List<RgbFrame> v = new ArrayList<>();
            for (int t = 0; t < 22; t++) {
                v.add(shaded(start + 3 * t, 80, 80));
            }
            videos.add(v);
        }
        List<RolloutDrift.Row> rows = RolloutDrift.rows(videos, SIM, null, 500, 1);
        for (RolloutDrift.Row r : rows) {
            double dRed = 3.0 * 7 * r.window(); // windows start 7 frames apart and hold 8 frames each
            assertEquals(0.299 * dRed, r.lumaChange().value(), 1e-9);
            assertEquals(r.lumaChange().value(), r.lumaChange().high(), 1e-9, "every video ramps alike");
            assertEquals(dRed, r.colourDrift().value(), 1e-9);
            double meanRed = 50 + 14 + 3 * (7 * r.window() + 3.5);
            assertEquals(0.299 * meanRed + 0.587 * 80 + 0.114 * 80, r.luma().value(), 1e-9);
            assertTrue(r.luma().low() < r.luma().value() && r.luma().value() < r.luma().high(), "videos differ in level: " + r.line());
            assertEquals(0, r.insideCuts().value(), "a slow ramp is no cut: " + r.line());
        }
        assertTrue(rows.get(2).luma().low() > rows.get(0).luma().value());

        List<RolloutDrift.Row> flat = RolloutDrift.rows(List.of(video(22, t -> new int[] {64, 80, 80})), SIM, null, 50, 1);
        List<String> lines = RolloutDrift.compare("ramp", rows.get(2), "constant", flat.get(2));
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("window 2, luma change from window 0: ramp") && lines.get(1).endsWith("ramp higher"), lines.get(1));
        assertTrue(lines.get(3).endsWith("no difference at this scale (the intervals overlap)"), lines.get(3));
        assertTrue(lines.get(5).endsWith("not measured"), lines.get(5));
    }

    @Test
    void aCutAtAWindowBoundaryIsCountedThereOnly() {
        // dark up to frame 14 (window 2's context frame), bright from its first generated frame 15 on
        List<RgbFrame> cutting = video(29, t -> t < 15 ? new int[] {20, 20, 20} : new int[] {230, 230, 230});
        List<RgbFrame> steady = video(29, t -> new int[] {20, 20, 20});
        List<RolloutDrift.Row> rows = RolloutDrift.rows(List.of(cutting, cutting), SIM, null, 200, 2);
        assertEquals(4, rows.size());
        for (RolloutDrift.Row r : rows) {
            assertEquals(r.window() == 2 ? 1.0 : 0.0, r.boundaryCuts().value(), r.line());
            assertEquals(0, r.insideCuts().value(), r.line());
        }
        RolloutDrift.Row half = RolloutDrift.rows(List.of(cutting, steady), SIM, null, 1000, 2).get(2);
        assertEquals(0.5, half.boundaryCuts().value());
        assertEquals(0, half.boundaryCuts().low());
        assertEquals(1, half.boundaryCuts().high());
        // a cut between two generated frames of window 1 (frames 10 and 11 of 6 inside pairs)
        List<RgbFrame> inside = video(22, t -> t < 11 ? new int[] {20, 20, 20} : new int[] {230, 230, 230});
        RolloutDrift.Row w1 = RolloutDrift.rows(List.of(inside), SIM, null, 50, 3).get(1);
        assertEquals(1 / 6.0, w1.insideCuts().value(), 1e-12);
        assertEquals(0, w1.boundaryCuts().value());
    }

    /** Features: the clip's mean value and its frame count, so the drift is the change of mean value in closed form. */
    static final class MeanDetector implements FeatureDetector {
        long seenFrames;

        public String name() {
            return "mean";
        }

        public Input input() {
            return Input.CLIPS;
        }

        public boolean comparable() {
            return false;
        }

        public int featureDim() {
            return 1;
        }

        public NDArray features(NDArray batch) {
            seenFrames = batch.getShape().get(1);
            return batch.toType(DataType.FLOAT32, false).reshape(batch.getShape().get(0), -1).mean(new int[] {1}).reshape(-1, 1);
        }

        public NDArray logits(NDArray batch) {
            return features(batch);
        }

        public void close() {}
    }

    @Test
    void featureDriftIsTheDistanceFromWindowZerosFeaturesAndSkipsAShortWindow() throws Exception {
        // grey rises 2 per frame: window w's mean is 14 w above window 0's; 25 frames leave window 3 with 4 frames
        List<List<RgbFrame>> videos = List.of(video(25, t -> new int[] {10 + 2 * t, 10 + 2 * t, 10 + 2 * t}),
                video(25, t -> new int[] {30 + 2 * t, 30 + 2 * t, 30 + 2 * t}));
        MeanDetector det = new MeanDetector();
        List<RolloutDrift.Row> rows = RolloutDrift.rows(videos, SIM, det, 100, 4);
        assertEquals(8, det.seenFrames, "the detector sees whole windows of T frames");
        assertEquals(4, rows.size());
        for (int w = 0; w < 3; w++) {
            assertEquals(14.0 * w, rows.get(w).featureDrift().value(), 1e-4, rows.get(w).line());
        }
        assertEquals(4, rows.get(3).frames());
        assertTrue(Double.isNaN(rows.get(3).featureDrift().value()), "a short last window has no clip features");

        Path csv = dir.resolve("drift.csv");
        RolloutDrift.writeCsv(csv, rows);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size());
        assertEquals(RolloutDrift.CSV_HEADER.split(",").length, lines.get(1).split(",").length);
        assertTrue(lines.get(3).startsWith("2,14,8,2,"), lines.get(3));
        assertEquals(5, RolloutDrift.table(rows).lines().count());
        assertThrows(IllegalArgumentException.class, () -> RolloutDrift.rows(List.of(videos.get(0), videos.get(0).subList(0, 20)), SIM, null, 10, 0));
    }
}
