package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.RgbFrame;

/** Cut rate: what counts as a cut, closed-form cases, and no cuts in real driving at the toy rate. */
class CutRateTest {
    static RgbFrame filled(int r, int g, int b) {
        byte[] d = new byte[16 * 8 * 3];
        for (int i = 0; i < d.length; i += 3) {
            d[i] = (byte) r;
            d[i + 1] = (byte) g;
            d[i + 2] = (byte) b;
        }
        return new RgbFrame(16, 8, d);
    }

    /** A horizontal grey ramp (a spread of values, as real frames have) brightened by {@code offset}. */
    static RgbFrame ramp(int offset) {
        byte[] d = new byte[128 * 8 * 3];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) Math.min(255, (i / 3) % 128 + 40 + offset);
        }
        return new RgbFrame(128, 8, d);
    }

    @Test
    void closedFormCases() {
        List<RgbFrame> steady = new ArrayList<>();
        List<RgbFrame> ramp = new ArrayList<>();
        List<RgbFrame> dayToNight = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            steady.add(filled(100, 120, 140));
            ramp.add(ramp(5 * t)); // luma +5 a frame: a slow change, no cut
            dayToNight.add(t < 5 ? filled(180, 190, 200) : filled(20, 20, 30));
        }
        assertEquals(0, CutRate.of(List.of(steady)).cuts());
        assertEquals(0, CutRate.of(List.of(ramp)).cuts());
        CutRate.Result r = CutRate.of(List.of(dayToNight, steady));
        assertEquals(1, r.cuts(), "one jump, between frames 4 and 5");
        assertEquals(14, r.pairs());
        assertEquals(1 / 14.0, r.rate(), 1e-12);
        assertTrue(r.maxLumaJump() > 150, r.toString());
        // same luma, other colours: only the histogram sees it (0.299 r + 0.587 g + 0.114 b equal for both)
        RgbFrame reddish = filled(200, 100, 88);
        RgbFrame greenish = filled(88, 157, 104);
        assertTrue(Math.abs(CutRate.meanLuma(reddish) - CutRate.meanLuma(greenish)) < 2);
        assertEquals(1, CutRate.of(List.of(List.of(reddish, greenish))).cuts());
        assertEquals(2.0 * 3, CutRate.histogramDistance(filled(0, 0, 0), filled(255, 255, 255)), 1e-9, "disjoint histograms: 2 per channel");
    }

    @Test
    void renderedDrivesHaveNoCutsAndASwapHasOne() {
        List<RgbFrame> day = DrivingSceneRenderer.render(DrivingScene.random(1), 8, 64, 128);
        List<List<RgbFrame>> drives = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            drives.add(DrivingSceneRenderer.render(DrivingScene.random(s), 8, 64, 128));
        }
        assertEquals(0, CutRate.of(drives).cuts(), CutRate.of(drives).toString());
        RgbFrame dark = filled(15, 15, 25);
        List<RgbFrame> swapped = new ArrayList<>(day.subList(0, 4));
        for (int t = 0; t < 4; t++) {
            swapped.add(dark);
        }
        assertEquals(1, CutRate.of(List.of(swapped)).cuts());
    }

    @Test
    void realDrivingAtTheToyRateHasNoCuts() {
        Path driving = TestPaths.sharedDatasetsOrSkip().resolve("driving");
        ClipOptions o = ClipOptions.defaults().withFrames(8).withSize(64, 128).withTargetFps(5).withClipSpacing(3).withValidationFraction(0);
        ClipDataset ds = ClipDataset.scan(o, driving);
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (int i = 0; i < ds.train().size(); i++) {
            clips.add(ds.train().clip(i).frameList());
        }
        CutRate.Result r = CutRate.of(clips);
        System.out.println("real driving clips, 5 fps: " + r);
        assertEquals(0, r.cuts(), r.toString());
        assertTrue(r.maxLumaJump() < CutRate.LUMA_JUMP / 2, r.toString());
        assertTrue(r.maxHistogramJump() < CutRate.HISTOGRAM_JUMP, r.toString());
    }
}
