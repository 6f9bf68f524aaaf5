package org.videoldm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.notebook.TinyNetworks;
import org.videoldm.train.stages.LabelConditioning;

/**
 * A label-conditioned video LDM at tiny size: the label vector reaches the network only through {@code label_emb}, and
 * label guidance in the pipeline is D_u + s (D_c - D_u). One Euler step from sigma_max to 0 returns the denoised estimate
 * itself (x + (0 - sigma) (x - D) / sigma = D), so the guided sample must equal that combination of two unguided samples.
 */
class LabelGuidanceTest {
    @Test
    void labelPathChangesTheNetworkAndGuidanceCombinesAsCfg() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            // scale-shift norm: with 32 channels in 32 groups, an embedding added before the norm would be normalised away
            com.google.gson.JsonObject cfg = TinyCheckpoints.unet().toJson();
            cfg.addProperty("use_scale_shift_norm", true);
            UNetModel image = new UNetModel(m, LabelConditioning.withLabels(org.videoldm.model.UNetConfig.fromJson(cfg)));
            assertEquals("sequential", image.config().num_classes());
            assertEquals(6, image.config().adm_in_channels());
            VideoUNet video = VideoUNet.fromImage(m, image, VideoUNetConfig.videoLDM(image.config()));
            TinyNetworks.randomise(video, k -> true, 5); // the output layer starts at zero: give every layer weights
            video.stateDict().forEach((k, a) -> { // a strong label embedding, so that the labels' effect stands far above rounding
                if (k.equals("label_emb.0.0.weight")) {
                    org.videoldm.io.StateDict.assign(a, a.mul(40f));
                }
            });
            video.setTrainable(k -> false);
            AutoencoderKL ae = new AutoencoderKL(m, TinyCheckpoints.ddconfig(), 4);
            Denoiser den = new Denoiser(new EDMScaling(0.5));
            VideoLDMPipeline p = new VideoLDMPipeline(new FirstStage(ae, 0.9, "tiny"), null, null, null, video, den, 2)
                    .progress(org.videoldm.util.Progress.Mode.QUIET);
            Shape latent = p.latentShape(TinyCheckpoints.HEIGHT, TinyCheckpoints.WIDTH);
            VideoLDMPipeline.Options o = new VideoLDMPipeline.Options("euler", 1, 4, 2);
            float[] nightCrowded = LabelConditioning.conditioner(0).oneHot(new int[] {2, 2}, null);
            float[] dayEmpty = LabelConditioning.conditioner(0).oneHot(new int[] {0, 0}, null);

            NDArray dc = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(nightCrowded, 1));
            NDArray du = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(new float[6], 1));
            NDArray other = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(dayEmpty, 1));
            NDArray none = p.sampleVideo(m, 2, 2, latent, o, null);
            float effect = dc.sub(du).abs().max().getFloat();
            assertTrue(effect > 0.02, "the labels change the output: " + effect);
            assertTrue(dc.sub(other).abs().max().getFloat() > 0.02, "other labels, another output");
            assertArrayEquals(du.toFloatArray(), none.toFloatArray(), 0f, "no labels: the zero vector");

            NDArray guided = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(nightCrowded, 3));
            float[] want = du.add(dc.sub(du).mul(3f)).toFloatArray();
            float[] got = guided.toFloatArray();
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            // a 1% error in the guidance scale would be 0.03 * effect; float32 rounding of the Euler step at sigma 80 is far below
            assertTrue(err < 0.003 * effect, "guided = D_u + 3 (D_c - D_u): max error " + err + ", label effect " + effect);

            // the vector enters only through label_emb: with its last layer zeroed, labels no longer matter
            video.stateDict().forEach((k, a) -> {
                if (k.startsWith("label_emb.0.2.")) {
                    org.videoldm.io.StateDict.assign(a, a.zerosLike());
                }
            });
            NDArray c0 = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(nightCrowded, 1));
            NDArray u0 = p.sampleVideo(m, 2, 2, latent, o, null, new VideoLDMPipeline.Labels(new float[6], 1));
            assertArrayEquals(u0.toFloatArray(), c0.toFloatArray(), 0f);

            assertThrows(IllegalArgumentException.class, () -> p.sampleVideo(m, 1, 2, latent, o, null, new VideoLDMPipeline.Labels(new float[5], 2)));
        }
    }
}
