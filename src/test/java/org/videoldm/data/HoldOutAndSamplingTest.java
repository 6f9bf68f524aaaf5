package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.train.DataOrder;

/** Hold-out rules, data specs with shares, and the balanced draws they lead to. */
class HoldOutAndSamplingTest {
    @TempDir
    Path tmp;

    /** Folders "real" (three videos of different lengths) and "procedural" (eight short ones). */
    Path[] folders() {
        Path real = Files.exists(tmp.resolve("real")) ? tmp.resolve("real") : null;
        if (real == null) {
            real = tmp.resolve("real");
            for (int i = 0; i < 3; i++) {
                new SyntheticDriving(1, 20 + 20 * i, 32, 64, 10 + i).writeFolder(real.resolve("drive" + i), SyntheticDriving.Format.MP4, 1);
            }
            new SyntheticDriving(8, 8, 32, 64, 1).writeFolder(tmp.resolve("procedural"), SyntheticDriving.Format.MP4, 1);
        }
        return new Path[] {tmp.resolve("real"), tmp.resolve("procedural")};
    }

    static ClipOptions options() {
        return ClipOptions.defaults().withFrames(4).withSize(32, 64).withValidationFraction(0.25).withSeed(3);
    }

    @Test
    void rulesHoldOutWholeVideosTailsAndFractionsWithoutOverlap() {
        Path[] dirs = folders();
        HoldOut rules = HoldOut.parse("""
                # a comment
                whole real/drive0/*
                tail 0.5 real/*      # what is left of real
                fraction 0.25 procedural/*
                """, "rules");
        ClipDataset ds = ClipDataset.scan(options(), rules, dirs);
        Set<String> trainFrames = new HashSet<>();
        for (int i = 0; i < ds.train().size(); i++) {
            String id = ds.train().clipId(i);
            assertTrue(!id.startsWith("real/drive0/"), "drive0 is held out whole: " + id);
            trainFrames.add(id);
        }
        Set<String> heldProcedural = new HashSet<>();
        for (int i = 0; i < ds.validation().size(); i++) {
            String id = ds.validation().clipId(i);
            if (id.startsWith("real/drive1/") || id.startsWith("real/drive2/")) {
                // a tail clip starts at or after the cut, so it shares no frame with a training clip of its video
                int start = Integer.parseInt(id.substring(id.indexOf('@') + 1));
                int frames = id.startsWith("real/drive1/") ? 40 : 60;
                assertTrue(start >= frames / 2, id);
            }
            if (id.startsWith("procedural/")) {
                heldProcedural.add(SamplingWeights.video(id));
            }
        }
        assertEquals(2, heldProcedural.size(), "a quarter of the 8 procedural videos, whole");
        for (int i = 0; i < ds.train().size(); i++) {
            String id = ds.train().clipId(i);
            if (id.startsWith("real/drive1/")) {
                assertTrue(Integer.parseInt(id.substring(id.indexOf('@') + 1)) + 4 <= 20, "training clips end before the cut: " + id);
            }
        }
        assertTrue(ds.summary().contains("(whole real/drive0/*)"), ds.summary());
        // without rules: the old seeded split of whole videos
        ClipDataset plain = ClipDataset.scan(options(), dirs);
        assertEquals(8 * 2 + 5 + 10 + 15, plain.train().size() + plain.validation().size(), "every window is in one split");
    }

    @Test
    void badRulesNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HoldOut.parse("whole a\ntail 1.5 b\n", "f.txt"));
        assertTrue(e.getMessage().startsWith("f.txt:2: the fraction must be between 0 and 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HoldOut.parse("keep x\n", "f.txt"));
        assertTrue(e.getMessage().startsWith("f.txt:1: unknown rule 'keep'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HoldOut.parse("whole\n", "f.txt"));
        assertTrue(e.getMessage().startsWith("f.txt:1: expected 'whole GLOB'"), e.getMessage());
    }

    @Test
    void sharesFromTheSpec() {
        DataSpec spec = DataSpec.parse("synthetic=0.7+../x/driving");
        assertEquals(2, spec.sources().size());
        Map<String, Double> shares = spec.shares(List.of(Path.of("datasets/synthetic"), Path.of("../x/driving")));
        assertEquals(0.7, shares.get("synthetic"), 1e-12);
        assertEquals(0.3, shares.get("driving"), 1e-12);
        Map<String, Double> equal = DataSpec.parse("a+b").shares(List.of(Path.of("a"), Path.of("b")));
        assertEquals(0.5, equal.get("a"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("a=0+b"));
        assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("a=1.2+b").shares(List.of(Path.of("a"), Path.of("b"))));
        assertEquals("synthetic=0.7+../x/driving", spec.toString());
    }

    @Test
    void drawsFollowTheSharesAndTreatVideosAlike() {
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < 30; c++) {
            ids.add("real/long.mp4@" + c); // one long video of 30 clips
        }
        ids.add("real/night.mp4@0"); // one short video of 1 clip
        for (int v = 0; v < 200; v++) {
            ids.add("procedural/clip_" + v + ".mp4@0");
        }
        double[] w = SamplingWeights.balanced(ids, Map.of("real", 0.5, "procedural", 0.5));
        DataOrder order = DataOrder.weighted(w, 9);
        Map<String, Integer> counts = new HashMap<>();
        int n = 40_000;
        for (int i = 0; i < n; i++) {
            String id = ids.get(order.index(i));
            String key = id.startsWith("procedural/") ? "procedural" : id.startsWith("real/night") ? "night" : "long";
            counts.merge(key, 1, Integer::sum);
        }
        // 0.5 procedural; the real half split evenly between its two videos, whatever their lengths
        assertEquals(0.5, counts.get("procedural") / (double) n, 0.015);
        assertEquals(0.25, counts.get("night") / (double) n, 0.015);
        assertEquals(0.25, counts.get("long") / (double) n, 0.015);
        // the same position always draws the same clip (resumable)
        assertEquals(order.index(12345), DataOrder.weighted(w, 9).index(12345));
    }
}
