package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.TestPaths;

/** Procedural captions, the sidecar caption format, and captions per clip of a dataset. */
class CaptionsTest {
    @Test
    void proceduralCaptionsFollowTheSceneAndVaryInPhrasing() {
        SyntheticDriving gen = new SyntheticDriving(400, 4, 16, 32, 7);
        Set<String> openings = new HashSet<>();
        Set<String> captions = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            DrivingScene s = gen.scene(i);
            String c = gen.caption(i);
            assertEquals(c, DrivingSceneCaption.of(s, gen.sceneSeed(i)), "same seed, same caption");
            String lc = c.toLowerCase(Locale.ROOT);
            switch (s.timeOfDay()) {
                case NIGHT -> assertTrue(lc.contains("night") || lc.contains("dark"), c);
                case DUSK -> assertTrue(lc.contains("dusk") || lc.contains("sunset") || lc.contains("twilight") || lc.contains("sun goes down"), c);
                case DAY -> assertTrue(lc.contains("day") || lc.contains("daylight"), c);
            }
            switch (s.weather()) {
                case RAIN -> assertTrue(lc.contains("rain"), c);
                case FOG -> assertTrue(lc.contains("fog"), c);
                case CLEAR -> assertTrue(!lc.contains("rain") && !lc.contains("fog"), c);
            }
            int cars = s.cars().size();
            boolean saysNone = lc.contains("no other") || lc.contains("empty road") || lc.contains("nobody else");
            boolean saysHeavy = lc.contains("heavy traffic") || lc.contains("dense traffic") || lc.contains("several cars") || lc.contains("busy traffic");
            assertEquals(cars == 0, saysNone, c + " (" + cars + " cars)");
            assertEquals(cars >= 3, saysHeavy, c + " (" + cars + " cars)");
            double bend = s.curvature() / 0.0025;
            if (bend < -1.0 / 3) {
                assertTrue(word(lc, "left") && !word(lc, "right"), c);
            } else if (bend > 1.0 / 3) {
                assertTrue(word(lc, "right") && !word(lc, "left"), c);
            }
            assertTrue(!c.contains("  ") && !c.contains(" ,") && !c.endsWith(","), "tidy text: '" + c + "'");
            openings.add(c.split(" ")[0] + " " + c.split(" ")[1]);
            captions.add(c);
        }
        assertTrue(captions.size() >= 390, "captions nearly all distinct, got " + captions.size());
        assertTrue(openings.size() >= 8, "several templates: " + openings);
        assertNotEquals(new SyntheticDriving(1, 4, 16, 32, 8).caption(0), new SyntheticDriving(1, 4, 16, 32, 7).caption(0));
    }

    private static boolean word(String text, String w) {
        return java.util.regex.Pattern.compile("\\b" + w + "\\b").matcher(text).find();
    }

    @Test
    void captionFileRangesInSecondsAndFrames() {
        CaptionFile f = CaptionFile.parse(List.of(
                "# comment", "",
                "a.mp4 0-2 first part",
                "a.mp4 2s-end second part",
                "\"dir/my b.mov\" 10f-20f frames ten to nineteen",
                "c.gif * 3-4 cars ahead",
                "d.mp4 the whole of d"), "test.txt");
        assertEquals(5, f.entries().size());
        // 25 fps: clip of frames 0..15 has its middle at frame 8 = 0.32 s
        assertEquals("first part", f.caption("a.mp4", 0, 15, 25));
        assertEquals("second part", f.caption("a.mp4", 45, 60, 25));
        // the middle decides: frames 40..59 -> middle 50 = exactly 2 s, the second range (half-open)
        assertEquals("second part", f.caption("a.mp4", 40, 59, 25));
        assertEquals("first part", f.caption("a.mp4", 39, 58, 25));
        assertEquals("frames ten to nineteen", f.caption("dir/my b.mov", 12, 15, Double.NaN));
        assertNull(f.caption("dir/my b.mov", 18, 25, 10));
        assertEquals("3-4 cars ahead", f.caption("c.gif", 0, 3, 8));
        assertEquals("the whole of d", f.caption("d.mp4", 500, 520, Double.NaN));
        // a baseline copy takes its original's captions; a bare name matches the video in a sub-folder too
        assertEquals("3-4 cars ahead", f.caption("c.baseline.mp4", 0, 3, 8));
        assertEquals("the whole of d", f.caption("drives/d.mp4", 0, 3, 8));
        assertNull(f.caption("e.mp4", 0, 3, 8));
        assertThrows(IllegalArgumentException.class, () -> f.caption("a.mp4", 0, 3, Double.NaN), "seconds need a frame rate");
    }

    @Test
    void badCaptionLinesNameTheFileAndLine() {
        assertError("f.txt:2: ", "overlaps line 1", "a.mp4 0-3 one", "a.mp4 2-5 two");
        assertError("f.txt:1: ", "empty", "a.mp4 3-3 nothing");
        assertError("f.txt:1: ", "no caption text", "a.mp4 0-3");
        assertError("f.txt:1: ", "mixes seconds and frames", "a.mp4 0f-3 mixed");
        assertError("f.txt:1: ", "not a range", "a.mp4 1-x2 bad");
        assertError("f.txt:1: ", "closing quote", "\"a.mp4 text");
        assertError("f.txt:2: ", "overlaps line 1", "a.mp4 everything", "a.baseline.mp4 0-1 part");
    }

    private static void assertError(String where, String what, String... lines) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionFile.parse(List.of(lines), "f.txt"));
        assertTrue(e.getMessage().startsWith(where) && e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void datasetClipsGetSidecarOrProceduralCaptions(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("synthetic_test");
        SyntheticDriving gen = new SyntheticDriving(3, 8, 16, 32, 5);
        gen.writeFolder(data, SyntheticDriving.Format.MP4, 1);
        ClipOptions o = ClipOptions.defaults().withFrames(4).withSize(16, 32).withValidationFraction(0);
        ClipDataset ds = ClipDataset.scan(o, data);
        ClipCaptions procedural = ClipCaptions.of(ds, List.of());
        ClipSource train = ClipSource.captioned(ds.train(), procedural);
        assertTrue(train.size() >= 3);
        for (int i = 0; i < train.size(); i++) {
            String file = train.clipId(i).substring(train.clipId(i).indexOf('/') + 1, train.clipId(i).indexOf('@'));
            assertEquals(gen.caption(SyntheticDriving.clipIndex(file)), train.caption(i), train.clipId(i));
        }
        assertNull(ds.train().caption(0), "an uncaptioned source has no captions");

        // a sidecar covers clip 1 from 0.4 s on; a file given explicitly wins over it for clip 2
        Files.writeString(data.resolve(CaptionFile.SIDECAR), "clip_00001.mp4 0.4-end a sidecar caption\n");
        Path extra = dir.resolve("extra.txt");
        Files.writeString(extra, "clip_00002.mp4 an explicit caption\nnot_there.mp4 nothing\n");
        ClipCaptions c = ClipCaptions.of(ds, List.of(extra));
        train = ClipSource.captioned(ds.train(), c);
        for (int i = 0; i < train.size(); i++) {
            String id = train.clipId(i);
            int start = Integer.parseInt(id.substring(id.indexOf('@') + 1));
            if (id.contains("clip_00001")) {
                // 4 frames at 10 fps from `start`: the middle is (start + 2) / 10 s
                assertEquals((start + 2) / 10.0 >= 0.4 ? "a sidecar caption" : null, train.caption(i), id);
            } else if (id.contains("clip_00002")) {
                assertEquals("an explicit caption", train.caption(i), id);
            } else {
                assertEquals(gen.caption(0), train.caption(i), id);
            }
        }
    }

    @Test
    void theProjectsCaptionsOfTheRealClipsCoverEveryClip() {
        Path file = Path.of("datasets/captions/driving.txt");
        CaptionFile f = CaptionFile.read(file);
        assertTrue(f.entries().size() >= 6);
        Path driving = TestPaths.sharedDatasetsOrSkip().resolve("driving");
        ClipDataset ds = ClipDataset.scan(ClipOptions.defaults().withFrames(8).withTargetFps(5), HoldOut.none(), driving);
        ClipCaptions c = ClipCaptions.of(ds, List.of(file));
        assertTrue(c.warnings().isEmpty(), c.summary());
        ClipSource train = ClipSource.captioned(ds.train(), c);
        for (int i = 0; i < train.size(); i++) {
            assertTrue(train.caption(i) != null && train.caption(i).length() > 30, train.clipId(i) + ": " + train.caption(i));
        }
        System.out.println(c.summary());
    }
}
