package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.TestPaths;
import org.videoldm.conformance.ConformanceResult;
import org.videoldm.conformance.ConformanceRunner;
import org.videoldm.conformance.Fixture;
import org.videoldm.data.RgbFrame;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.nn.Ops;
import org.videoldm.pipeline.TextToVideoPipeline;

/**
 * {@code t2v init} on the sd_pipeline fixture's SD-layout checkpoint: the configs read off its shapes are the fixture's,
 * and the video model built from it, with its temporal layers mixed out (image_only_indicator 1), reproduces the
 * reference text-to-image run frame by frame.
 */
class T2VCommandTest {
    @TempDir
    static Path dir;
    static Path folder;

    static final Path FIXTURE = TestPaths.conformance().resolve("sd_pipeline");

    @BeforeAll
    static void init() {
        folder = dir.resolve("t2v");
        String[] r = GenerateCommandTest.run("t2v", "init", "--sd-checkpoint", FIXTURE.resolve("model.safetensors").toString(), "--tokenizer",
                TestPaths.conformance().resolve("clip_tokenizer").toString(), "--out", folder.toString(), "--num-head-channels", "16",
                "--text-heads", "4", "--size", "16x16", "--frames", "2", "--float32");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("assumed: "), "the assumptions are listed: " + r[1]);
    }

    @Test
    void infersTheFixturesConfigsFromShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.load(FIXTURE, m);
            JsonObject kw = f.kwargs();
            UNetConfig expected = UNetConfig.fromJson(kw.getAsJsonObject("unet"));
            UNetConfig got = UNetConfig.fromJson(SavedNetwork.load(folder.resolve("image_ldm.safetensors"), m).config());
            JsonObject wantUnet = expected.toJson();
            // the reference's default middle depth is the last level's; inference names it
            wantUnet.addProperty("transformer_depth_middle", expected.transformer_depth()[expected.transformer_depth().length - 1]);
            assertEquals(wantUnet, got.toJson(), "UNet config");
            JsonObject ae = SavedNetwork.load(folder.resolve("autoencoder.safetensors"), m).config();
            assertEquals(kw.getAsJsonObject("first_stage").get("embed_dim"), ae.get("embed_dim"));
            DDConfig dd = DDConfig.fromJson(ae.getAsJsonObject("ddconfig"));
            DDConfig want = DDConfig.fromJson(kw.getAsJsonObject("first_stage").getAsJsonObject("ddconfig"));
            assertEquals(want.ch(), dd.ch());
            assertArrayEquals(want.ch_mult(), dd.ch_mult());
            assertEquals(want.num_res_blocks(), dd.num_res_blocks());
            assertEquals(want.z_channels(), dd.z_channels());
            CLIPTextConfig text = CLIPTextConfig.fromJson(SavedNetwork.load(folder.resolve("text_encoder.safetensors"), m).config());
            CLIPTextConfig wantText = CLIPTextConfig.fromJson(kw.getAsJsonObject("text_encoder"));
            JsonObject a = wantText.toJson();
            JsonObject b = text.toJson();
            a.remove("projection_dim"); // the text model has no projection: its width is not in the weights
            b.remove("projection_dim");
            assertEquals(a, b, "text encoder config");
            for (String name : new String[] {"autoencoder", "image_ldm", "video_ldm", "text_encoder"}) {
                assertTrue(Files.isRegularFile(folder.resolve(name + ".md")), name + " card");
            }
            assertTrue(Files.isRegularFile(folder.resolve("tokenizer/vocab.json")));
        }
    }

    @Test
    void withTemporalLayersMixedOutTheVideoModelIsTheSDPipelineFrameByFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.load(FIXTURE, m);
            List<String> prompts = new java.util.ArrayList<>();
            f.constant("prompts").getAsJsonArray().forEach(e -> prompts.add(e.getAsString()));
            TextToVideoPipeline p = TextToVideoPipeline.load(folder, m);
            int frames = 2;
            NDArray noise = f.input("noise").repeat(0, frames); // each video: its prompt's noise on every frame
            TextToVideoPipeline.Options o = new TextToVideoPipeline.Options("euler", 8, 7.5, 0, true);
            NDArray z = p.sample(m, prompts, "", noise, frames, o);
            NDArray images = p.firstStage().decode(z, frames, frames);
            NDArray wantZ = f.expected().get("out.latents").repeat(0, frames);
            NDArray wantImages = f.expected().get("out.images").repeat(0, frames);
            ConformanceResult rz = ConformanceRunner.compare("t2v", "latents", z, wantZ, f.atol(), f.rtol());
            ConformanceResult ri = ConformanceRunner.compare("t2v", "images", images, wantImages, f.atol(), f.rtol());
            System.out.println(rz.line());
            System.out.println(ri.line());
            assertTrue(rz.passed(), rz.line());
            assertTrue(ri.passed(), ri.line());

            // with the temporal layers in the mix (indicator 0) the frames are not the image model's
            NDArray video = p.sample(m, prompts, "", noise, frames, new TextToVideoPipeline.Options("euler", 8, 7.5, 0, false));
            double rel = Ops.power(video.sub(wantZ), 2f).sum().getFloat() / Ops.power(wantZ, 2f).sum().getFloat();
            assertTrue(Math.sqrt(rel) > 1e-3, "temporal layers change the video: relative difference " + Math.sqrt(rel));
        }
    }

    @Test
    void samplesAShortVideoFromAPrompt() {
        try (NDManager m = NDManager.newBaseManager()) {
            TextToVideoPipeline p = TextToVideoPipeline.load(folder, m);
            List<List<RgbFrame>> v = p.generate(m, List.of("a red car on a wet road at night"), "", 3, 16, 16,
                    new TextToVideoPipeline.Options("euler", 2, 3.0, 1, false));
            assertEquals(1, v.size());
            assertEquals(3, v.get(0).size());
            assertEquals(16, v.get(0).get(0).width());
            assertEquals(16, v.get(0).get(0).height());
        }
    }

    @Test
    void trainTemporalWithCaptionsTrainsTheFolderAndSamples() {
        Path t2v = dir.resolve("t2v-train");
        String[] init = GenerateCommandTest.run("t2v", "init", "--sd-checkpoint", FIXTURE.resolve("model.safetensors").toString(), "--tokenizer",
                TestPaths.conformance().resolve("clip_tokenizer").toString(), "--out", t2v.toString(), "--num-head-channels", "16",
                "--text-heads", "4", "--size", "16x16");
        assertEquals("0", init[0], init[2]);
        Path videos = org.videoldm.data.DataSources.synthetic(dir.resolve("videos"), new org.videoldm.data.DataSources.Synthetic(4, 16, 64, 128, 1));
        String[] common = {"train", "temporal", "--data", videos.toString(), "--out", t2v.toString(), "--run-dir", dir.resolve("run").toString(),
            "--scale", "toy", "--mode", "smoke", "--steps", "1", "--batch", "2", "--float32"};
        String[] unconditional = GenerateCommandTest.run(common);
        assertEquals("2", unconditional[0]);
        assertTrue(unconditional[2].contains("train it with --captions"), unconditional[2]);

        String[] r = GenerateCommandTest.run(java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.stream.Stream.of("--captions",
                "--no-resume")).toArray(String[]::new));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("temporal: 1 steps"), r[1]);
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork v = SavedNetwork.load(t2v.resolve("video_ldm.safetensors"), m);
            assertTrue(org.videoldm.pipeline.Denoisers.isDiscrete(v.denoiser()), "SD's denoiser kept: " + v.denoiser());
            assertTrue(v.conditioning().has("crossattn"));
            assertTrue(v.card().toString().contains("Text-conditioned") && v.card().toString().matches(".*captions: [1-9]\\d* of \\d+ clips.*"),
                    v.card().toString());
            List<List<RgbFrame>> video = TextToVideoPipeline.load(t2v, m).generate(m, List.of("a car driving at night in the rain"), "", 2, 16, 32,
                    new TextToVideoPipeline.Options("euler", 2, 5.0, 0, false));
            assertEquals(2, video.get(0).size());
            assertEquals(32, video.get(0).get(0).width());
        }
        assertTrue(Files.isRegularFile(dir.resolve("run").resolve("samples.png")), "preview sampled with prompts");
    }

    @Test
    void refusesPickledCheckpointsInOneLine() throws Exception {
        Path ckpt = dir.resolve("model.ckpt");
        Files.write(ckpt, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        String[] r = GenerateCommandTest.run("t2v", "init", "--sd-checkpoint", ckpt.toString(), "--tokenizer", dir.toString(), "--out",
                dir.resolve("x").toString());
        assertEquals("2", r[0]);
        String err = r[2].strip();
        assertTrue(!err.contains("\n") && err.contains("not a safetensors file") && err.contains("st.save_file") && err.contains("model.safetensors"), err);
    }
}
