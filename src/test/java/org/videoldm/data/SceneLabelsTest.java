package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.junit.jupiter.api.io.TempDir;

/** Scene labels: the text form, the exact labels of procedural scenes, label files and their errors, lookup per clip. */
class SceneLabelsTest {
    @Test
    void textFormParsesWordsAndPairsAndReadsBackItsOwnOutput() {
        DrivingLabels a = DrivingLabels.parse("night,crowded");
        assertEquals(DrivingScene.TimeOfDay.NIGHT, a.timeOfDay());
        assertEquals(DrivingLabels.Crowdedness.CROWDED, a.crowdedness());
        assertArrayEquals(new int[] {2, 2}, a.classes());
        DrivingLabels b = DrivingLabels.parse("time=day cars=2");
        assertArrayEquals(new int[] {0, 1}, b.classes());
        assertArrayEquals(new int[] {-1, 0}, DrivingLabels.parse("cars=0").classes(), "an unknown time of day is -1");
        assertArrayEquals(new int[] {1, -1}, DrivingLabels.parse(" Dusk ").classes());
        assertEquals(b, DrivingLabels.parse(b.toString()));
        assertEquals(DrivingLabels.Crowdedness.LIGHT, DrivingLabels.Crowdedness.ofCars(1));
        assertEquals(DrivingLabels.Crowdedness.CROWDED, DrivingLabels.Crowdedness.ofCars(3));
        for (String bad : new String[] {"noon", "day night", "cars=two", "cars=-1", "speed=fast", "empty,crowded"}) {
            assertThrows(IllegalArgumentException.class, () -> DrivingLabels.parse(bad), bad);
        }
    }

    @Test
    void proceduralLabelsAreTheScenesParameters() {
        SyntheticDriving gen = new SyntheticDriving(300, 1, 8, 8, 3);
        int[] seen = new int[3];
        for (int i = 0; i < gen.size(); i++) {
            DrivingScene s = gen.scene(i);
            DrivingLabels l = DrivingLabels.of(s);
            assertEquals(s.timeOfDay(), l.timeOfDay());
            int cars = s.cars().size();
            assertEquals(cars == 0 ? 0 : cars <= 2 ? 1 : 2, l.crowdedness().ordinal(), "scene " + i + " has " + cars + " cars");
            seen[l.crowdedness().ordinal()]++;
        }
        for (int n : seen) {
            assertTrue(n > 30, "every crowdedness class occurs: " + java.util.Arrays.toString(seen));
        }
    }

    @Test
    void badLabelLinesNameTheFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelFile.parse(List.of("# labels", "a.mp4 time=day cars=1", "b.mp4 0-2 tim=night"), "labels.txt"));
        assertTrue(e.getMessage().startsWith("labels.txt:3: ") && e.getMessage().contains("tim"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LabelFile.parse(List.of("a.mp4 0-2 day", "a.mp4 1-3 night"), "x.txt"));
        assertTrue(e.getMessage().startsWith("x.txt:2: ") && e.getMessage().contains("overlaps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LabelFile.parse(List.of("a.mp4 0-2"), "y.txt"));
        assertTrue(e.getMessage().startsWith("y.txt:1: "), e.getMessage());
        assertEquals(2, LabelFile.parse(List.of("a.mp4 0-2 day cars=3", "a.mp4 2-end night"), "z.txt").entries().size());
    }

    @Test
    void clipsGetExactProceduralLabelsOrTheirFilesLabels(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("synthetic_test");
        SyntheticDriving gen = new SyntheticDriving(3, 8, 16, 32, 5);
        gen.writeFolder(data, SyntheticDriving.Format.MP4, 1);
        ClipDataset ds = ClipDataset.scan(ClipOptions.defaults().withFrames(4).withSize(16, 32).withValidationFraction(0), data);
        Files.writeString(data.resolve(LabelFile.SIDECAR), "clip_00001.mp4 0.4-end night cars=7\n");
        Path extra = dir.resolve("extra.txt");
        Files.writeString(extra, "clip_00002.mp4 dusk\n");
        ClipLabels labels = ClipLabels.of(ds, List.of(extra));
        ClipSource train = ds.train();
        assertTrue(train.size() >= 3);
        for (int i = 0; i < train.size(); i++) {
            String id = train.clipId(i);
            int start = Integer.parseInt(id.substring(id.indexOf('@') + 1));
            DrivingLabels l = labels.labels(id);
            if (id.contains("clip_00001")) {
                // 4 frames at 10 fps from start: the middle is (start + 2) / 10 s
                assertEquals((start + 2) / 10.0 >= 0.4 ? DrivingLabels.parse("night crowded") : DrivingLabels.none(), l, id);
            } else if (id.contains("clip_00002")) {
                assertEquals(DrivingLabels.parse("dusk"), l, id);
            } else {
                assertEquals(DrivingLabels.of(gen.scene(0)), l, id);
            }
        }
        assertTrue(labels.summary().startsWith("labels: "), labels.summary());
    }

    @Test
    void theProjectsLabelsOfTheRealClipsCoverEveryClip() {
        Path file = Path.of("datasets/labels/driving.txt");
        assertEquals(7, LabelFile.read(file).entries().size());
        Path driving = TestPaths.sharedDatasetsOrSkip().resolve("driving");
        ClipDataset ds = ClipDataset.scan(ClipOptions.defaults().withFrames(8).withTargetFps(5), HoldOut.none(), driving);
        ClipLabels l = ClipLabels.of(ds, List.of(file));
        assertTrue(!l.summary().contains("warning"), l.summary());
        for (int i = 0; i < ds.train().size(); i++) {
            String id = ds.train().clipId(i);
            DrivingLabels d = l.labels(id);
            assertTrue(d.timeOfDay() != null && d.crowdedness() != null, id + ": " + d);
            assertEquals(id.contains("night") ? DrivingScene.TimeOfDay.NIGHT : DrivingScene.TimeOfDay.DAY, d.timeOfDay(), id);
        }
    }
}
