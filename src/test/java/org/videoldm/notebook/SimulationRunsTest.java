package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.cli.LongVideoCommandsTest;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.RgbFrame;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.TinyCheckpoints;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.stages.BoxLDMTraining;
import org.videoldm.train.stages.PredictionTraining;

class SimulationRunsTest {
    @TempDir
    Path root;

    @Test
    void stagesGetTheirOwnFoldersAndRolloutsWholeWindows() throws Exception {
        Workbench wb = new Workbench(Scale.TOY, "synthetic", RunMode.SMOKE, root);
        SimulationRuns sim = new SimulationRuns(wb);
        PredictionTraining.Settings p = sim.stage(PredictionTraining.Settings.defaults(wb.scale, wb.mode));
        assertEquals(wb.runs().resolve("sim/prediction"), p.runDirOrDefault(), "as scripts/train-toy.sh sim names it");
        assertEquals(wb.runs().resolve("sim/checkpoints"), p.checkpointsOrDefault());
        assertEquals(wb.runs().resolve("sim/box-ldm"), sim.stage(BoxLDMTraining.Settings.defaults(wb.scale, wb.mode)).runDirOrDefault());
        assertFalse(sim.hasShipped());
        assertNull(sim.folderWith(CheckpointFolder.INTERPOLATION));

        Path labels = root.resolve("datasets/labels/driving.txt");
        Files.createDirectories(labels.getParent());
        Files.writeString(labels, "");
        assertEquals(List.of(), sim.labelFiles(), "procedural clips carry their own labels");
        assertEquals(List.of(labels), new SimulationRuns(wb.data("synthetic+../shared/datasets/driving")).labelFiles());

        assertEquals(8 + 2 * 7, sim.rolloutFrames(8, 1, 60), "smoke: three windows");
        int full = new SimulationRuns(wb.mode(RunMode.FULL)).rolloutFrames(8, 1, 60);
        assertEquals(302, full, "one minute at 5 fps is 300 frames: 8 + 42 x 7 covers it");
        assertEquals(8, new SimulationRuns(wb.mode(RunMode.FULL)).rolloutFrames(8, 2, 1));
    }

    @Test
    void boxesAreOutlinedOnTheFrame() {
        RgbFrame f = SimulationRuns.withBoxes(RgbFrame.blank(32, 16), List.of(new BoundingBox(0.25, 0.25, 0.75, 0.75)));
        assertTrue(f.get(8, 4, 0) > 200 && f.get(8, 4, 2) < 50, "the corner is yellow");
        assertTrue(f.get(23, 11, 0) > 200, "the far corner too");
        assertEquals(0, f.get(16, 8, 0), "the inside stays");
        assertEquals(0, f.get(2, 2, 0), "the outside stays");
    }

    @Test
    void theCascadeWorksInPixelsWithTheOtherFoldersNetworks() {
        Path ckpt = LongVideoCommandsTest.checkpoints(root);
        List<List<RgbFrame>> videos = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
            List<RgbFrame> frames = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                frames.add(RgbFrame.blank(TinyCheckpoints.WIDTH, TinyCheckpoints.HEIGHT));
            }
            videos.add(frames);
        }
        VideoLDMPipeline.Options o = new VideoLDMPipeline.Options("euler", 1, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            SimulationRuns.Interpolated dense = SimulationRuns.interpolate(ckpt, m, videos, 3, o);
            assertEquals(2, dense.frames().size());
            assertEquals(4, dense.stride());
            assertEquals(9, dense.frames().get(0).size(), "3 keyframes, 4 x the rate: 9 frames");
            assertEquals(TinyCheckpoints.HEIGHT, dense.frames().get(0).get(0).height());
            SimulationRuns.Interpolated least = SimulationRuns.interpolate(ckpt, m, videos, 1, o);
            assertEquals(2, least.keyframes().get(0).size(), "at least the model's window of 2 keyframes");
            assertEquals(5, least.frames().get(0).size());
            List<List<RgbFrame>> big = SimulationRuns.upsample(ckpt, m, videos, o);
            assertEquals(3, big.get(1).size());
            assertEquals(2 * TinyCheckpoints.HEIGHT, big.get(0).get(0).height());
            assertEquals(2 * TinyCheckpoints.WIDTH, big.get(0).get(0).width());
        }
    }
}
