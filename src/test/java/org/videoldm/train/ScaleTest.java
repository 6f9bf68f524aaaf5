package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.temporal.TemporalParameters;

class ScaleTest {
    @Test
    void toyNetworksFitTogether() {
        Scale s = Scale.TOY;
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL ae = AutoencoderKL.fromJson(m, s.autoencoderKwargs());
            NDArray z = ae.encode(m.zeros(new Shape(1, 3, s.height(), s.width()))).mode();
            assertEquals(new Shape(1, s.embedDim(), s.latentHeight(), s.latentWidth()), z.getShape());
            assertEquals(new Shape(1, 4, 16, 32), z.getShape(), "toy latents are 4 x 16 x 32");
            UNetModel unet = new UNetModel(m, s.imageUNet());
            NDArray eps = unet.forward(z, m.zeros(new Shape(1)), null, null);
            assertEquals(z.getShape(), eps.getShape());
            VideoUNet video = VideoUNet.fromImage(m, unet, s.videoUNet());
            NDArray clip = m.zeros(new Shape(s.frames(), 4, 16, 32));
            assertEquals(clip.getShape(), video.forwardVideo(clip, m.zeros(new Shape(s.frames())), null, null, s.frames()).getShape());
            TemporalParameters.Report r = TemporalParameters.report(video);
            // shipped checkpoints are float16: the video UNet stays well under 8 MB
            assertTrue(2 * (r.spatialCount() + r.temporalCount()) < 8_000_000, r.summary());
            assertEquals(9, s.imageUNet(5).in_channels());
        }
    }

    @Test
    void smokeModeShrinksCountsOnly() {
        assertEquals(1000, RunMode.FULL.steps(1000));
        assertEquals(RunMode.SMOKE_STEPS, RunMode.SMOKE.steps(1000));
        assertEquals(2, RunMode.SMOKE.steps(2));
        assertEquals(RunMode.SMOKE_SAMPLES, RunMode.SMOKE.samples(64));
        assertEquals(64, RunMode.FULL.samples(64));
    }

    @Test
    void choiceByPropertyAndClearErrors() {
        String old = System.getProperty(Scale.PROPERTY);
        String oldMode = System.getProperty(RunMode.PROPERTY);
        try {
            System.setProperty(Scale.PROPERTY, "PAPER");
            assertEquals(Scale.PAPER, Scale.current());
            System.setProperty(RunMode.PROPERTY, "smoke");
            assertEquals(RunMode.SMOKE, RunMode.current());
            System.setProperty(Scale.PROPERTY, "huge");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Scale::current);
            assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("toy or paper"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> RunMode.parse("fast"));
        } finally {
            restore(Scale.PROPERTY, old);
            restore(RunMode.PROPERTY, oldMode);
        }
    }

    @Test
    void paperScaleIsConsistent() {
        Scale p = Scale.PAPER;
        assertEquals(8, p.ddconfig().downFactor());
        assertEquals(16, p.latentHeight());
        assertEquals(32, p.latentWidth());
        assertEquals(p.frames(), p.clipOptions(0).frames());
        assertEquals(p.imageUNet().toJson(), p.videoUNet().unet().toJson());
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
