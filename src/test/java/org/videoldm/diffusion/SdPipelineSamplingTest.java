package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.videoldm.conformance.ConformanceResult;
import org.videoldm.conformance.ConformanceRunner;
import org.videoldm.conformance.Fixture;
import org.videoldm.io.StateDict;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;

/**
 * The sampling half of the {@code sd_pipeline} fixture: from the fixture's text embeddings, UNet weights and noise,
 * EulerEDMSampler + VanillaCFG + DiscreteDenoiser(EpsScaling, LegacyDDPM), all built from the fixture's kwargs,
 * must reproduce the reference's sigmas, the latents after the first step and the final latents.
 */
class SdPipelineSamplingTest {
    static final Path FIXTURE = org.videoldm.TestPaths.conformance().resolve("sd_pipeline");

    @Test
    void reproducesReferenceSampling() {
        assertTrue(Files.isRegularFile(FIXTURE.resolve("config.json")), "fixture missing: " + FIXTURE.toAbsolutePath());
        try (NDManager m = NDManager.newBaseManager()) {
            Fixture f = Fixture.load(FIXTURE, m);
            JsonObject kw = f.kwargs();
            UNetModel unet = new UNetModel(m, UNetConfig.fromJson(kw.getAsJsonObject("unet")));
            StateDict.load(unet, FIXTURE.resolve(f.config().getAsJsonObject("checkpoint").get("file").getAsString()), "model.diffusion_model.");
            DiffusionEngine engine = DiffusionEngine.fromConfig(new OpenAIWrapper(unet), kw);
            DiffusionSampler sampler = engine.sampler();

            NDArray emb = f.expected().get("out.text_embeddings");
            int b = (int) f.input("noise").getShape().get(0);
            NDArray cond = emb.get("0:" + b);
            NDArray uc = emb.get(b + ":" + (b + 1)).repeat(0, b);

            NDArray[] step1 = new NDArray[1];
            NDArray latents = engine.sample(f.input("noise"), Conditioning.crossattn(cond),
                    Conditioning.crossattn(uc), 0, s -> {
                        if (s.index() == 0) {
                            step1[0] = s.x().duplicate();
                            step1[0].attach(m);
                        }
                    });

            assertArrayEquals(f.expected().get("out.sigmas").toFloatArray(), sampler.sigmas(), 0f, "sigmas");
            assertEquals(0.18215, engine.scaleFactor(), 1e-12);
            double atol = f.atol();
            double rtol = f.rtol();
            ConformanceResult r1 = ConformanceRunner.compare("sd_pipeline", "out.latents_step1", step1[0], f.expected().get("out.latents_step1"), atol, rtol);
            ConformanceResult r = ConformanceRunner.compare("sd_pipeline", "out.latents", latents, f.expected().get("out.latents"), atol, rtol);
            System.out.println(r1.line());
            System.out.println(r.line());
            assertTrue(r1.passed(), r1.line());
            assertTrue(r.passed(), r.line());
        }
    }
}
