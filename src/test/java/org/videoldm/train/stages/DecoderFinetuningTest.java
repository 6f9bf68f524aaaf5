package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.train.LossLog;
import org.videoldm.train.Scale;

class DecoderFinetuningTest {
    @TempDir
    Path dir;

    @Test
    void finetunesTheDecoderOnlyAndReportsFlicker() {
        Path videos = StageFixtures.videos(dir);
        Path ae = StageFixtures.autoencoder(dir);
        DecoderFinetuning.Settings s = StageFixtures.quiet(DecoderFinetuning.Settings.defaults(Scale.TOY, StageFixtures.FULL), dir, videos)
                .steps(3).batch(1).crop(32, 64).lr(1e-3).evaluationClips(1);
        StageResult r = new DecoderFinetuning(s).run(null);
        assertTrue(Double.isFinite(r.finalLoss()));
        for (String k : new String[] {"flicker_image_decoder", "flicker_video_decoder", "temporal_error_image_decoder", "temporal_error_video_decoder"}) {
            assertTrue(Double.isFinite(r.metrics().get(k)), k);
        }
        assertEquals(3, LossLog.read(r.runDir().resolve(DecoderFinetuning.DISCRIMINATOR_CSV)).size(), "one discriminator step per decoder step");
        assertTrue(Files.isRegularFile(r.runDir().resolve(DecoderFinetuning.DISCRIMINATOR_CHECKPOINT)));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = SavedNetwork.load(ae, m).module().stateDict();
            SavedNetwork saved = SavedNetwork.load(r.network(), m);
            AutoencoderKL video = saved.module(AutoencoderKL.class);
            assertInstanceOf(VideoDecoder.class, video.decoder());
            assertEquals(0.8, saved.scaleFactor().getAsDouble(), 1e-6);
            int decoderChanged = 0;
            for (Map.Entry<String, NDArray> e : video.stateDict().entrySet()) {
                String k = e.getKey();
                if (k.startsWith("encoder.") || k.startsWith("quant_conv.")) {
                    assertArrayEquals(before.get(k).toFloatArray(), e.getValue().toFloatArray(), 0f, "frozen " + k + " changed");
                } else if (k.startsWith("decoder.") && before.containsKey(k)
                        && !java.util.Arrays.equals(before.get(k).toFloatArray(), e.getValue().toFloatArray())) {
                    decoderChanged++;
                }
            }
            assertTrue(decoderChanged > 10, "decoder weights trained: " + decoderChanged);
        }
    }

    @Test
    void flickerFiguresOfAPerfectDecoderAreZero() {
        // a closed form: reconstructions equal to the input have no extra frame-to-frame change and no temporal error
        Path videos = StageFixtures.videos(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            org.videoldm.data.ClipDataset ds = org.videoldm.data.ClipDataset.scan(Scale.TOY.clipOptions(0), videos);
            AutoencoderKL identity = new AutoencoderKL(m, Scale.TOY.ddconfig(), 4) {
                @Override
                public org.videoldm.model.autoencoder.DiagonalGaussian encode(NDArray x) {
                    return new org.videoldm.model.autoencoder.DiagonalGaussian(org.videoldm.nn.Ops.cat(1, x, x));
                }

                @Override
                public NDArray decode(NDArray z, int frames) {
                    return z;
                }
            };
            double[] f = DecoderFinetuning.temporalConsistency(identity, ds.train(), 2, 8, m);
            assertEquals(0, f[0], 1e-6);
            assertEquals(0, f[1], 1e-6);
            assertEquals(0, f[2], 1e-6);
        }
    }
}
