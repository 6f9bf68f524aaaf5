package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scanning the shared clips, splitting by video, cutting and augmenting clips. */
class ClipDatasetTest {
    private static VideoScan.Result shared;
    private static final List<String> WARNINGS = new ArrayList<>();

    @BeforeAll
    static void scanShared() {
        shared = VideoScan.scan(VideoReader.pureJava(), List.of(SharedClips.root()), WARNINGS::add);
    }

    @Test
    void scanOfSharedClipsKeepsOneFilePerVideo() {
        Set<String> ids = shared.videos().stream().map(VideoScan.Entry::id).collect(Collectors.toSet());
        // Originals where they decode (they skip one lossy encode), copies where they do not.
        assertEquals(Set.of(
                "datasets/driving/udacity_project_video_seg1.mp4",
                "datasets/driving/udacity_project_video_seg2.mp4",
                "datasets/driving/udacity_project_video_seg3.mp4",
                "datasets/driving/udacity_p1_pr6_night.baseline.mp4",
                "datasets/driving/yolop_input1.gif",
                "datasets/driving/yolop_input2.gif",
                "datasets/nondriving/mmaction2_demo.mp4",
                "datasets/nondriving/mmaction2_structuralize.mp4",
                "datasets/nondriving/mmaction2_test_mp4.mp4",
                "datasets/nondriving/mmaction2_test_avi.baseline.mp4"), ids);
        assertEquals(10, shared.skipped().size());
        assertEquals(10, WARNINGS.size());
        String avi = WARNINGS.stream().filter(w -> w.contains("mmaction2_test_avi.avi")).findFirst().orElseThrow();
        assertTrue(avi.contains("cannot be decoded (MPEG-4 Part 2") && avi.contains("its copy mmaction2_test_avi.baseline.mp4 is used instead"), avi);
    }

    @Test
    void splitNeverPutsAVideoOnBothSides() {
        ClipOptions base = ClipOptions.defaults().withValidationFraction(0.3);
        Set<Set<String>> distinctSplits = new HashSet<>();
        for (long seed = 0; seed < 25; seed++) {
            ClipDataset ds = ClipDataset.of(base.withSeed(seed), shared, VideoReader.pureJava(), w -> { });
            Set<String> train = ids(ds.trainVideos());
            Set<String> val = ids(ds.validationVideos());
            assertEquals(3, val.size());
            assertEquals(7, train.size());
            assertTrue(train.stream().noneMatch(val::contains), "seed " + seed);
            // No two files of the same video (original and copy) either.
            Set<String> trainSources = sources(ds.trainVideos());
            assertTrue(sources(ds.validationVideos()).stream().noneMatch(trainSources::contains), "seed " + seed);
            // Every clip on each side comes from a video of that side.
            assertTrue(clipVideos(ds.train()).stream().allMatch(train::contains));
            assertTrue(clipVideos(ds.validation()).stream().allMatch(val::contains));
            assertEquals(clipVideos(ds.validation()), val);
            distinctSplits.add(val);
        }
        assertTrue(distinctSplits.size() > 5, "the seed should move videos between sides");
    }

    @Test
    void sameSeedSameSplit() {
        ClipOptions o = ClipOptions.defaults().withSeed(11);
        ClipDataset a = ClipDataset.of(o, shared, VideoReader.pureJava(), w -> { });
        ClipDataset b = ClipDataset.of(o, shared, VideoReader.pureJava(), w -> { });
        assertEquals(ids(a.validationVideos()), ids(b.validationVideos()));
        assertEquals(a.train().size(), b.train().size());
        for (int i = 0; i < a.train().size(); i++) {
            assertEquals(a.train().clipId(i), b.train().clipId(i));
        }
    }

    @Test
    void windowsFollowStepRateAndSpacing() {
        ClipOptions o = ClipOptions.defaults().withFrames(4);
        assertArrayEquals(new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}}, o.windows(10, 25));
        assertArrayEquals(new int[][] {{0, 2, 4, 6}}, o.withFrameStep(2).windows(10, 25));
        assertArrayEquals(new int[][] {{0, 3, 6, 9}}, o.withTargetFps(10).windows(10, 30));
        assertArrayEquals(new int[][] {{0, 1, 2, 3}, {3, 4, 5, 6}, {6, 7, 8, 9}}, o.withClipSpacing(3).windows(10, 25));
        assertEquals(0, o.windows(3, 25).length);
        assertArrayEquals(new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}}, o.withTargetFps(10).windows(10, Double.NaN));
    }

    @Test
    void clipsAreCroppedFlippedAndDeterministic() {
        VideoScan.Result small = VideoScan.scan(VideoReader.pureJava(), List.of(SharedClips.root().resolve("nondriving")), w -> { });
        // Square crops of 4:3 video leave room to move the crop sideways.
        ClipOptions o = ClipOptions.defaults().withFrames(8).withSize(48, 48).withFrameStep(2).withRandomCrop(true).withFlip(true)
                .withValidationFraction(0.25).withSeed(3);
        ClipDataset ds = ClipDataset.of(o, small, VideoReader.pureJava(), w -> { });
        ClipSource train = ds.train();
        ClipSource val = ds.validation();
        assertTrue(train.size() > 20 && val.size() > 5, train.size() + " / " + val.size());

        Clip c = train.clip(5, 123);
        assertEquals(8, c.frames());
        assertEquals(48, c.height());
        assertEquals(48, c.width());
        assertEquals(train.clipId(5), c.id());
        assertArrayEquals(c.data(), train.clip(5, 123).data(), "same seed, same clip");
        Set<String> variants = new HashSet<>();
        for (long s = 0; s < 12; s++) {
            variants.add(java.util.Arrays.toString(java.util.Arrays.copyOf(train.clip(5, s).data(), 4000)));
        }
        assertTrue(variants.size() > 6, "crops and flips should vary with the seed: " + variants.size());
        // Validation clips are centre crops whatever the seed.
        assertArrayEquals(val.clip(0, 1).data(), val.clip(0, 99).data());

        // A flipped clip is the mirror image of the same crop unflipped.
        ClipOptions noFlip = o.withFlip(false);
        ClipDataset plain = ClipDataset.of(noFlip, small, VideoReader.pureJava(), w -> { });
        ClipDataset flipOnly = ClipDataset.of(noFlip.withRandomCrop(false).withFlip(true), small, VideoReader.pureJava(), w -> { });
        ClipDataset centre = ClipDataset.of(noFlip.withRandomCrop(false), small, VideoReader.pureJava(), w -> { });
        boolean sawFlip = false;
        for (long s = 0; s < 6; s++) {
            RgbFrame f = flipOnly.train().clip(2, s).frame(3);
            RgbFrame g = centre.train().clip(2, s).frame(3);
            if (!f.equals(g)) {
                assertEquals(g.flipHorizontal(), f);
                sawFlip = true;
            }
        }
        assertTrue(sawFlip);
        assertEquals(plain.train().size(), train.size());
    }

    private static Set<String> ids(List<VideoScan.Entry> entries) {
        return entries.stream().map(VideoScan.Entry::id).collect(Collectors.toSet());
    }

    private static Set<String> sources(List<VideoScan.Entry> entries) {
        return entries.stream().map(e -> VideoScan.sourceKey(e.info().path())).collect(Collectors.toSet());
    }

    private static Set<String> clipVideos(ClipSource s) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            String id = s.clipId(i);
            out.add(id.substring(0, id.lastIndexOf('@')));
        }
        assertFalse(out.isEmpty());
        return out;
    }

    @Test
    void differentSeedsGiveDifferentClipOrderButSameClips() {
        ClipDataset ds = ClipDataset.of(ClipOptions.defaults(), shared, VideoReader.pureJava(), w -> { });
        BatchLoader a = new BatchLoader(ds.train(), 4, 1, true, false, 1);
        BatchLoader b = new BatchLoader(ds.train(), 4, 2, true, false, 1);
        int[] oa = a.order(0);
        int[] ob = b.order(0);
        assertNotEquals(java.util.Arrays.toString(oa), java.util.Arrays.toString(ob));
        assertArrayEquals(java.util.Arrays.stream(oa).sorted().toArray(), java.util.Arrays.stream(ob).sorted().toArray());
        a.close();
        b.close();
    }
}
