package org.videoldm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.videoldm.data.RgbFrame;

/** The prompt-following figures on synthetic frames whose luma, cuts and prompt scores are known in closed form. */
class PromptFollowingTest {
    /** A frame of one colour. */
    static RgbFrame flat(int r, int g, int b) {
        byte[] rgb = new byte[8 * 4 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbFrame(8, 4, rgb);
    }

    /** A video of {@code t} grey frames at {@code level}. */
    static List<RgbFrame> steady(int level, int t) {
        List<RgbFrame> v = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            v.add(flat(level, level, level));
        }
        return v;
    }

    /** Grey levels drawn uniformly from [lo, hi], one video each. */
    static List<List<RgbFrame>> set(int n, int lo, int hi, long seed) {
        Random r = new Random(seed);
        List<List<RgbFrame>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(steady(lo + r.nextInt(hi - lo + 1), 4));
        }
        return out;
    }

    static double handMean(List<List<RgbFrame>> videos) {
        return videos.stream().mapToDouble(v -> v.get(0).get(0, 0, 0)).average().orElseThrow();
    }

    @Test
    void lumaIsTheBt601WeightingAveragedOverFrames() {
        assertEquals(0.299 * 200 + 0.587 * 100 + 0.114 * 50, PromptFollowing.meanLuma(List.of(flat(200, 100, 50))), 1e-9);
        // grey frames: the weights sum to 1, so the luma is the level; two frames average
        assertEquals((30 + 90) / 2.0, PromptFollowing.meanLuma(List.of(flat(30, 30, 30), flat(90, 90, 90))), 1e-9);
    }

    @Test
    void darkAndBrightSetsAreOrderedWithIntervalsAroundTheirMeans() {
        List<List<RgbFrame>> dark = set(30, 10, 50, 1);
        List<List<RgbFrame>> bright = set(30, 170, 230, 2);
        Ablations.Estimate d = PromptFollowing.meanLuma(dark, 1000, 3);
        Ablations.Estimate b = PromptFollowing.meanLuma(bright, 1000, 3);
        assertEquals(handMean(dark), d.value(), 1e-9);
        assertEquals(handMean(bright), b.value(), 1e-9);
        assertTrue(d.low() <= d.value() && d.value() <= d.high() && d.high() - d.low() > 0, d.text());
        assertTrue(d.low() >= 10 && d.high() <= 50, "within the levels drawn: " + d.text());
        assertTrue(d.high() < b.low(), "dark " + d.text() + " below bright " + b.text());
        assertTrue(!d.overlaps(b));

        Ablations.Estimate diff = PromptFollowing.lumaDifference(bright, dark, 1000, 4);
        assertEquals(handMean(bright) - handMean(dark), diff.value(), 1e-9);
        assertTrue(diff.low() > 0, "the difference excludes 0: " + diff.text());
        Ablations.Estimate same = PromptFollowing.lumaDifference(dark, dark, 1000, 4);
        assertEquals(0, same.value(), 1e-12);
        assertTrue(same.low() < 0 && same.high() > 0, "a set against itself: " + same.text());
    }

    @Test
    void intervalWidthsFollowTheNormalTheory() {
        // 121 uniform levels 40..160: sd about 121 / sqrt(12) = 34.9; the mean of 200 has half-width 1.96 * 34.9 / sqrt(200) = 4.84
        List<List<RgbFrame>> videos = set(200, 40, 160, 7);
        Ablations.Estimate e = PromptFollowing.meanLuma(videos, 2000, 8);
        double half = 1.96 * (121 / Math.sqrt(12)) / Math.sqrt(200);
        assertEquals(2 * half, e.high() - e.low(), 0.15 * 2 * half, e.text());
        // the difference of two independent such means: half-width sqrt(2) times as large
        Ablations.Estimate diff = PromptFollowing.lumaDifference(videos, set(200, 40, 160, 9), 2000, 8);
        assertEquals(2 * half * Math.sqrt(2), diff.high() - diff.low(), 0.15 * 2 * half * Math.sqrt(2), diff.text());
        // a constant set has no spread
        Ablations.Estimate flatSet = PromptFollowing.meanLuma(List.of(steady(77, 3), steady(77, 5)), 100, 1);
        assertEquals(77, flatSet.low(), 1e-9);
        assertEquals(77, flatSet.high(), 1e-9);
    }

    /** Closer to a prompt's target luma scores higher: "bright" wants 200, "dark" 30. */
    static double score(List<RgbFrame> video, String prompt) {
        return -Math.abs(PromptFollowing.meanLuma(video) - (prompt.startsWith("bright") ? 200 : 30));
    }

    @Test
    void ownPromptsBeatAnotherGroupsAndRowsCountPerGroup() {
        List<PromptFollowing.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(new PromptFollowing.Sample("day", "bright road " + i, steady(190 + i, 4)));
        }
        for (int i = 0; i < 2; i++) {
            samples.add(new PromptFollowing.Sample("night", "dark road " + i, steady(40 - i, 4)));
        }
        // the other prompt comes from the next sample of another group, cyclically
        assertEquals("dark road 0", PromptFollowing.otherPrompt(samples, 0));
        assertEquals("dark road 0", PromptFollowing.otherPrompt(samples, 2));
        assertEquals("bright road 0", PromptFollowing.otherPrompt(samples, 4));
        assertNull(PromptFollowing.otherPrompt(samples.subList(0, 3), 1), "one group only: nothing to compare with");

        double[][] s = PromptFollowing.promptScores(samples, PromptFollowingTest::score);
        assertEquals(-10, s[0][0], 1e-9);  // |190 - 200|
        assertEquals(-160, s[0][1], 1e-9); // |190 - 30|
        assertEquals(-9, s[4][0], 1e-9);   // |39 - 30|
        assertEquals(-161, s[4][1], 1e-9); // |39 - 200|

        // frame by frame: the same prompts, but every video alternates dark and bright frames (a cut at every pair)
        List<PromptFollowing.Sample> images = new ArrayList<>();
        for (PromptFollowing.Sample x : samples) {
            images.add(new PromptFollowing.Sample(x.group(), x.prompt(), List.of(flat(20, 20, 20), flat(220, 220, 220), flat(20, 20, 20))));
        }
        List<PromptFollowing.Row> rows = PromptFollowing.rows(samples, images, PromptFollowingTest::score, 500, 1);
        assertEquals(List.of("day", "night", "all"), rows.stream().map(PromptFollowing.Row::group).toList());
        PromptFollowing.Row day = rows.get(0);
        PromptFollowing.Row night = rows.get(1);
        PromptFollowing.Row all = rows.get(2);
        assertEquals(3, day.videos());
        assertEquals(2, night.videos());
        assertEquals(5, all.videos());
        assertEquals(5, all.frameByFrame());
        assertEquals(191, day.luma().value(), 1e-9);
        assertEquals(39.5, night.luma().value(), 1e-9);
        assertTrue(night.luma().high() < day.luma().low(), night.luma().text() + " vs " + day.luma().text());
        assertEquals(-9.5, night.ownPrompt().value(), 1e-9);      // mean of |40 - 30| and |39 - 30|
        assertEquals(-160.5, night.otherPrompt().value(), 1e-9);
        assertTrue(all.ownPrompt().low() > all.otherPrompt().high(), "own " + all.ownPrompt().text() + " other " + all.otherPrompt().text());
        assertEquals("luma: night " + night.luma().text() + " vs day " + day.luma().text() + ": day higher",
                PromptFollowing.verdict("luma", "night", night.luma(), "day", day.luma()));
        assertTrue(PromptFollowing.verdict("x", "a", new Ablations.Estimate(1, 0, 2), "b", new Ablations.Estimate(1.5, 1.9, 3))
                .endsWith("no difference at this scale (the intervals overlap)"));
        assertEquals(List.of("bright road 0", "bright road 1", "bright road 2", "dark road 0", "dark road 1"),
                PromptFollowing.firstPerPrompt(samples).stream().map(PromptFollowing.Sample::prompt).toList());
        assertTrue(day.line().contains("own prompt"), day.line());
        // steady videos never cut; alternating ones cut at every pair, in every resample
        assertEquals(new Ablations.Estimate(0, 0, 0), day.cutRate());
        assertEquals(new Ablations.Estimate(1, 1, 1), day.frameByFrameCutRate());
    }

    @Test
    void withoutAScorerThePromptColumnsSaySkipped() {
        List<PromptFollowing.Sample> samples = List.of(new PromptFollowing.Sample("day", "a road", steady(100, 2)),
                new PromptFollowing.Sample("night", "a road at night", steady(20, 2)));
        List<PromptFollowing.Row> rows = PromptFollowing.rows(samples, List.of(), null, 50, 0);
        assertTrue(Double.isNaN(rows.get(0).ownPrompt().value()));
        assertEquals(0, rows.get(0).frameByFrame());
        assertTrue(!rows.get(0).line().contains("own prompt"), rows.get(0).line());
        assertTrue(Double.isNaN(rows.get(0).frameByFrameCutRate().value()));
        var table = PromptFollowing.table("t", rows, null);
        assertEquals(3, table.rowCount());
        assertEquals("skipped: no CLIP", table.stringColumn(3).get(0));
        assertEquals("-", table.stringColumn(7).get(0));
        assertEquals("100 [100, 100]", table.stringColumn(2).get(0));
        assertTrue(Arrays.asList(PromptFollowing.table("t", rows, "CLIPSIM-toy").columnNames().toArray()).contains("CLIPSIM-toy own prompt [95% CI]"));
    }
}
