package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.DataSources;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.Video;
import org.videoldm.data.VideoReader;
import org.videoldm.eval.RolloutDrift;
import org.videoldm.model.BoxEmbedder;
import org.videoldm.model.BoxLDM;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.notebook.TinyNetworks;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.TinyCheckpoints;

/** {@code simulate} on tiny untrained networks: a first frame from boxes, then several futures of it in one batch. */
class SimulateCommandTest {
    @TempDir
    Path dir;

    /** The tiny checkpoints of {@link LongVideoCommandsTest} plus a random box LDM. */
    static Path withBoxLdm(Path dir) {
        Path ckpt = LongVideoCommandsTest.checkpoints(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(8);
            JsonObject u = TinyCheckpoints.unet().toJson();
            u.addProperty("context_dim", 16);
            BoxLDM box = new BoxLDM(m, UNetConfig.fromJson(u), new BoxEmbedder.Config(4, 4, 16, 16));
            TinyNetworks.randomise(box, k -> true, 3);
            SavedNetwork.save(CheckpointFolder.of(ckpt).network(CheckpointFolder.BOX_LDM), box,
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(1), true);
        }
        return ckpt;
    }

    @Test
    void firstFrameFromBoxesThenSeveralFuturesOfIt() throws Exception {
        Path ckpt = withBoxLdm(dir);
        // the shipped FVD-toy network, for the drift table's feature column
        Files.copy(DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY).resolve(CheckpointFolder.FVD_TOY + ".safetensors"),
                CheckpointFolder.of(ckpt).network(CheckpointFolder.FVD_TOY));
        Path out = dir.resolve("sim");
        String[] r = GenerateCommandTest.run("simulate", "--checkpoints", ckpt.toString(), "--boxes", "0.4,0.5,0.55,0.8;0.7,0.45,0.8,0.6",
                "--frames", "7", "--futures", "2", "--steps", "1", "--sampler", "euler", "--decoder", "image", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.isRegularFile(out.resolve("first_frame.png")));
        assertTrue(Files.isRegularFile(out.resolve("grid.png")));
        Video a = VideoReader.standard().read(out.resolve("future_00.mp4"));
        Video b = VideoReader.standard().read(out.resolve("future_01.mp4"));
        assertEquals(7, a.size());
        assertEquals(7, b.size());
        assertEquals(TinyCheckpoints.HEIGHT, a.height());
        // both futures start from the same first frame and then part ways
        assertTrue(meanAbs(a.frames().get(0), b.frames().get(0)) < 2, "same first frame: " + meanAbs(a.frames().get(0), b.frames().get(0)));
        assertTrue(meanAbs(a.frames().get(6), b.frames().get(6)) > 2, "different futures: " + meanAbs(a.frames().get(6), b.frames().get(6)));

        // T = 4, S = 1, the first frame given: windows cover frames 0-3 and 3-6, one table line and one CSV row each
        List<String> csv = Files.readAllLines(out.resolve("drift.csv"));
        assertEquals(List.of(RolloutDrift.CSV_HEADER), csv.subList(0, 1));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("0,0,4,2,") && csv.get(2).startsWith("1,3,4,2,"), String.join("\n", csv));
        assertTrue(r[1].contains("window   0  frames    0-3") && r[1].contains("window   1  frames    3-6"), r[1]);
        assertTrue(!r[1].contains("window   2"), r[1]);
        String[] w1 = csv.get(2).split(",");
        double featureDrift = Double.parseDouble(w1[19]);
        assertTrue(Double.isFinite(featureDrift) && featureDrift > 0, "window 1's features moved from window 0's: " + csv.get(2));
        assertEquals(2, Integer.parseInt(w1[23]), "one boundary pair per future");

        String[] unlabelled = GenerateCommandTest.run("simulate", "--checkpoints", ckpt.toString(), "--boxes", "", "--labels", "night", "--frames", "6",
                "--futures", "1", "--steps", "1", "--sampler", "euler", "--decoder", "image", "--out", out.toString());
        assertTrue(!"0".equals(unlabelled[0]) && unlabelled[2].contains("not label-conditioned"), unlabelled[2]);

        String[] bad = GenerateCommandTest.run("simulate", "--checkpoints", ckpt.toString(), "--boxes", "0.5,0.5,0.4,0.8", "--out", out.toString());
        assertTrue(!"0".equals(bad[0]) && bad[2].contains("box 1"), bad[2]);
    }

    @Test
    void generateWithLabelsNeedsALabelConditionedVideoLdm() {
        Path ckpt = TinyCheckpoints.write(dir.resolve("ckpt"));
        String[] refused = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--labels", "night", "--steps", "1", "--decoder", "image",
                "--out", dir.resolve("o").toString());
        assertTrue(!"0".equals(refused[0]) && refused[2].contains("not label-conditioned"), refused[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            org.videoldm.model.UNetModel image = new org.videoldm.model.UNetModel(m,
                    org.videoldm.train.stages.LabelConditioning.withLabels(TinyCheckpoints.unet()));
            org.videoldm.model.VideoUNet video = org.videoldm.model.VideoUNet.fromImage(m, image,
                    org.videoldm.model.VideoUNetConfig.videoLDM(image.config()));
            SavedNetwork.save(CheckpointFolder.of(ckpt).network(CheckpointFolder.VIDEO_LDM), video,
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(TinyCheckpoints.FRAMES), true);
        }
        String[] r = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--labels", "night,crowded", "--guidance", "2", "--steps", "1",
                "--sampler", "euler", "--decoder", "image", "--out", dir.resolve("o").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("with labels 'time=night crowdedness=crowded' (guidance 2.00)"), r[1]);
        String[] bad = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--labels", "nite", "--out", dir.resolve("o").toString());
        assertTrue(!"0".equals(bad[0]) && bad[2].contains("nite"), bad[2]);
    }

    @Test
    void labelledRolloutsTakeContextAndLabelGuidance() {
        Path ckpt = withBoxLdm(dir);
        try (NDManager m = NDManager.newBaseManager()) { // a label-conditioned prediction model replaces the unlabelled one
            Engine.getInstance().setRandomSeed(9);
            org.videoldm.model.UNetModel image = new org.videoldm.model.UNetModel(m,
                    org.videoldm.train.stages.LabelConditioning.withLabels(TinyCheckpoints.unet()));
            org.videoldm.model.VideoUNet video = org.videoldm.model.VideoUNet.fromImage(m, image,
                    org.videoldm.model.VideoUNetConfig.videoLDM(image.config()));
            JsonObject pred = com.google.gson.JsonParser.parseString("{\"type\": \"prediction\", \"latent_frame\": [4, 8, 16]}").getAsJsonObject();
            SavedNetwork.save(CheckpointFolder.of(ckpt).network(CheckpointFolder.PREDICTION), org.videoldm.model.UNetSurgery.widenInput(m, video, 5),
                    SavedNetwork.meta().denoiser(Denoisers.edm(0.5)).frames(TinyCheckpoints.FRAMES).conditioning(pred), true);
        }
        Path out = dir.resolve("o");
        String[] sim = GenerateCommandTest.run("simulate", "--checkpoints", ckpt.toString(), "--boxes", "", "--labels", "night,crowded",
                "--label-guidance", "2", "--frames", "6", "--futures", "1", "--steps", "1", "--sampler", "euler", "--decoder", "image", "--no-drift",
                "--out", out.toString());
        assertEquals("0", sim[0], sim[2]);
        assertTrue(!Files.exists(out.resolve("drift.csv")) && !sim[1].contains("window   0"), "--no-drift: no table, no drift.csv");
        assertTrue(sim[1].contains("context guidance 2.00, labels 'time=night crowdedness=crowded', label guidance 2.00"), sim[1]);
        String[] gen = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--long", "6", "--labels", "night", "--guidance", "1.5",
                "--steps", "1", "--sampler", "euler", "--decoder", "image", "--out", out.toString());
        assertEquals("0", gen[0], gen[2]);
        assertTrue(gen[1].contains("context guidance 1.50) with labels 'time=night' (label guidance 3.00)"), "label guidance 3 by default: " + gen[1]);

        String[] noLabels = GenerateCommandTest.run("simulate", "--checkpoints", ckpt.toString(), "--boxes", "", "--label-guidance", "2",
                "--out", out.toString());
        assertTrue(!"0".equals(noLabels[0]) && noLabels[2].contains("--label-guidance needs --labels"), noLabels[2]);
        String[] clip = GenerateCommandTest.run("generate", "--checkpoints", ckpt.toString(), "--labels", "night", "--label-guidance", "2",
                "--out", out.toString());
        assertTrue(!"0".equals(clip[0]) && clip[2].contains("--label-guidance applies to rollouts"), clip[2]);
    }

    private static double meanAbs(RgbFrame x, RgbFrame y) {
        double s = 0;
        for (int yy = 0; yy < x.height(); yy++) {
            for (int xx = 0; xx < x.width(); xx++) {
                for (int c = 0; c < 3; c++) {
                    s += Math.abs(x.get(xx, yy, c) - y.get(xx, yy, c));
                }
            }
        }
        return s / (x.height() * x.width() * 3.0);
    }
}
