package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.cli.Main;
import org.videoldm.data.DataSources;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.FeatureExtractor;
import org.videoldm.metrics.FrechetDistance;
import org.videoldm.metrics.ToyDetector;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/** The FVD-toy network's training stage, its detectors and the metric validation command on procedural clips. */
class DetectorTrainingTest {
    @TempDir
    Path dir;

    static RgbFrame numbered(int n) {
        byte[] d = new byte[4 * 2 * 3];
        java.util.Arrays.fill(d, (byte) n);
        return new RgbFrame(4, 2, d);
    }

    @Test
    void temporalFormsAreWhatTheirNamesSay() {
        List<RgbFrame> clip = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clip.add(numbered(i));
        }
        SplittableRandom rng = new SplittableRandom(4);
        assertEquals(clip, DetectorTraining.form(clip, DetectorTraining.FORMS.indexOf("ordered"), rng));
        List<RgbFrame> rev = DetectorTraining.form(clip, DetectorTraining.FORMS.indexOf("reversed"), rng);
        assertEquals(clip.get(7), rev.get(0));
        assertEquals(clip.get(0), rev.get(7));
        for (int k = 0; k < 20; k++) {
            List<RgbFrame> sh = DetectorTraining.form(clip, DetectorTraining.FORMS.indexOf("shuffled"), rng);
            assertNotEquals(clip, sh, "never the identity");
            assertTrue(sh.containsAll(clip));
        }
        List<RgbFrame> slow = DetectorTraining.form(clip, DetectorTraining.FORMS.indexOf("slowed"), rng);
        assertEquals(List.of(clip.get(0), clip.get(0), clip.get(1), clip.get(1), clip.get(2), clip.get(2), clip.get(3), clip.get(3)), slow);
        List<RgbFrame> frozen = DetectorTraining.form(clip, DetectorTraining.FORMS.indexOf("frozen"), rng);
        assertTrue(frozen.stream().allMatch(f -> f == clip.get(0)));
    }

    @Test
    void sceneLabelsComeFromTheScenesTheClipsWereRenderedFrom() {
        Path synth = DataSources.synthetic(dir.resolve("synthetic"), new DataSources.Synthetic(12, 16, 32, 64, 5));
        SceneLabels labels = SceneLabels.of(List.of(synth, dir));
        SyntheticDriving gen = new SyntheticDriving(12, 16, 32, 64, 5);
        for (int i = 0; i < 12; i++) {
            DrivingScene s = gen.scene(i);
            Map<String, Integer> l = labels.of("synthetic/" + SyntheticDriving.clipName(i) + ".mp4@2");
            assertEquals(s.timeOfDay().ordinal(), l.get("time_of_day"));
            assertEquals(s.weather().ordinal(), l.get("weather"));
            int cars = s.cars().size();
            assertEquals(cars == 0 ? 0 : cars <= 2 ? 1 : 2, l.get("traffic"));
        }
        assertEquals(null, labels.of("driving/udacity.mp4@0"), "real clips have no labels");
    }

    @Test
    void trainsExportsAndScoresASetAgainstItselfAtZero() throws Exception {
        Path videos = StageFixtures.videos(dir);
        DetectorTraining.Settings s = StageFixtures.quiet(DetectorTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, videos)
                .steps(3).batch(4).validationClips(2);
        StageResult r = new DetectorTraining(s).run(null);
        assertEquals(3, r.steps());
        assertTrue(r.metrics().containsKey("heldout_temporal_accuracy videos"), r.metrics().toString());
        try (ToyDetector clips = ToyDetector.load(r.network(), FeatureDetector.Input.CLIPS);
                ToyDetector frames = ToyDetector.load(r.network(), FeatureDetector.Input.FRAMES);
                NDManager m = NDManager.newBaseManager()) {
            assertEquals("FVD-toy", clips.metricName("FVD"));
            assertEquals("FID-toy", frames.metricName("FID"));
            assertNotEquals(clips.name(), frames.name(), "the feature cache tells them apart");
            // clips of another size are brought to the network's (64 x 128) as the training data was
            NDArray u8 = m.randomUniform(0f, 255f, new Shape(3, 8, 72, 160)).toType(DataType.UINT8, false).expandDims(4).repeat(4, 3);
            double[][] f = FeatureExtractor.features(clips, u8, 2);
            assertEquals(3, f.length);
            assertEquals(128, f[0].length);
            assertEquals(0.0, FrechetDistance.distance(f, f, true), 1e-6);
            double[][] g = FeatureExtractor.features(frames, u8.reshape(24, 72, 160, 3), 8);
            assertEquals(24, g.length);
            assertArrayEquals(FeatureExtractor.features(clips, u8, 3)[1], f[1], 1e-4, "batching does not change a clip's features");
        }
    }

    @Test
    void validateCommandPrintsTheTableAndTheMonotonicCount() throws Exception {
        Path videos = StageFixtures.videos(dir);
        DetectorTraining.Settings s = StageFixtures.quiet(DetectorTraining.Settings.defaults(Scale.TOY, RunMode.FULL), dir, videos)
                .steps(2).batch(4).validationClips(2);
        Path net = new DetectorTraining(s).run(null).network();
        Path rules = Files.writeString(dir.resolve("holdout.txt"), "whole videos/*\n"); // every clip held out, so all six are validated on
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.run("eval", "--validate", "-r", videos.toString(), "--holdout", rules.toString(), "--toy", net.toString(),
                    "--random-resolution", "32", "--max-clips", "6", "-o", dir.resolve("v").toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, out.toString());
        String text = out.toString();
        for (String corruption : new String[] {"static noise", "blur", "shuffle", "drop repeat", "day night swap", "freeze"}) {
            for (int strength = 0; strength <= 3; strength++) {
                assertTrue(text.contains(String.format("%-15s %d FVD-toy", corruption, strength)), corruption + " " + strength + "\n" + text);
            }
        }
        assertTrue(text.contains("cut rate") && text.contains("frame change") && text.contains("FVD-rand"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("monotonic: \\d/6")), text);
        assertTrue(Files.readString(dir.resolve("v-validation.csv")).startsWith("corruption,strength,metric,value\n"));
        assertEquals(Progress.Mode.QUIET, s.progress);
    }
}
