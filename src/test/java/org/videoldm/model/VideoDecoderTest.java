package org.videoldm.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.DDConfig;
import org.videoldm.model.autoencoder.Decoder;
import org.videoldm.temporal.TemporalParameters;

class VideoDecoderTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ai.djl.engine.Engine.getInstance().setRandomSeed(3);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static DDConfig tinyDD(String attnRes) {
        return DDConfig.fromJson(JsonParser.parseString("""
                {"double_z": true, "z_channels": 4, "resolution": 16, "in_channels": 3, "out_ch": 3, "ch": 32,
                 "ch_mult": [1, 2], "num_res_blocks": 1, "attn_resolutions": %s, "dropout": 0.0}""".formatted(attnRes)).getAsJsonObject());
    }

    /** Every temporal parameter random, so the temporal layers really mix frames. */
    static VideoDecoder randomVideoDecoder(VideoDecoderConfig c) {
        VideoDecoder d = new VideoDecoder(manager, c);
        d.stateDict().forEach((k, p) -> {
            if (TemporalParameters.isTemporal(k)) {
                StateDict.assign(p, manager.randomNormal(0f, 0.3f, p.getShape(), p.getDataType()));
            }
        });
        return d;
    }

    @Test
    void chunkedDecodingTreatsEachChunkAsItsOwnVideo() {
        VideoDecoder d = randomVideoDecoder(new VideoDecoderConfig(tinyDD("[]"), new long[] {3, 1, 1}, 0.0, "learned", "all"));
        int frames = 5;
        NDArray z = manager.randomNormal(new Shape(2 * frames, 4, 6, 4));
        NDArray whole = d.forward(z, frames);
        assertEquals(new Shape(10, 3, 12, 8), whole.getShape());
        assertTrue(d.decode(z, frames, frames).sub(whole).abs().max().getFloat() < 1e-5, "one chunk per video = forward");
        assertTrue(d.decode(z, frames, 99).sub(whole).abs().max().getFloat() < 1e-5);

        NDArray chunked = d.decode(z, frames, 2);
        // Video 1, frames 2-3 (rows 7-8), decoded as a video of two frames on its own.
        NDArray part = d.forward(z.get(new NDIndex("7:9")), 2);
        assertTrue(chunked.get(new NDIndex("7:9")).sub(part).abs().max().getFloat() < 1e-5);
        // Video 0, last frame alone (row 4).
        assertTrue(chunked.get(new NDIndex("4:5")).sub(d.forward(z.get(new NDIndex("4:5")), 1)).abs().max().getFloat() < 1e-5);
        assertTrue(chunked.sub(whole).abs().max().getFloat() > 1e-3, "temporal layers must not see across chunk borders");
    }

    @Test
    void fromImageCopiesTheImageDecoderAndReproducesItWithIdentityTimeMixing() {
        DDConfig dd = tinyDD("[8]");
        Decoder image = new Decoder(manager, dd);
        for (VideoDecoderConfig.TimeMode mode : VideoDecoderConfig.TimeMode.values()) {
            VideoDecoderConfig c = new VideoDecoderConfig(dd, new long[] {3, 3, 3}, 0.0, "learned", mode.key());
            VideoDecoder video = VideoDecoder.fromImage(manager, image, c);
            NDArray z = manager.randomNormal(new Shape(6, 4, 8, 8));
            NDArray want = image.forward(z);
            NDArray got = video.forward(z, 3);
            boolean convs = mode.temporalResBlocks();
            if (convs) {
                // time_mix_conv starts with torch's default init, so the decoder does not start as the image one ...
                System.out.printf("image->video decoder (%s) right after conversion: relative L2 difference %.4f%n", mode.key(),
                        got.sub(want).norm().getFloat() / want.norm().getFloat());
                // ... but with an identity time_mix_conv it does: the 3D residual branches start at zero and mix at sigmoid(0).
                video.identityTimeMixing();
                got = video.forward(z, 3);
            }
            if (mode.temporalAttention()) {
                // The temporal attention block is random at conversion; alpha = 1 switches it off.
                video.stateDict().forEach((k, p) -> {
                    if (k.endsWith("attn_1.mix_factor") || k.matches("up\\.\\d+\\.attn\\.\\d+\\.mix_factor")) {
                        StateDict.assign(p, manager.create(new float[] {40f}));
                    }
                });
                got = video.forward(z, 3);
            }
            assertTrue(got.sub(want).abs().max().getFloat() < 1e-4, mode.key() + ": " + got.sub(want).abs().max().getFloat());
        }
    }

    @Test
    void temporalParametersOfTheDecoder() {
        VideoDecoder d = new VideoDecoder(manager, new VideoDecoderConfig(tinyDD("[]"), new long[] {3, 1, 1}, 0.0, "learned", "all"));
        TemporalParameters.Report r = TemporalParameters.freezeSpatial(d);
        for (String k : r.trainable()) {
            assertTrue(k.matches(".*\\.(time_stack|time_mix_conv|time_mix_block|video_time_embed)\\..*|.*\\.mix_factor"), k);
        }
        assertTrue(r.trainable().contains("conv_out.time_mix_conv.weight"));
        assertTrue(r.trainable().contains("mid.attn_1.mix_factor"));
        assertFalse(r.trainable().contains("conv_out.weight"));
    }

    @Test
    void fixedMergeFactorsAreBuffersThatLoadButDoNotTrain() {
        VideoDecoder d = new VideoDecoder(manager, new VideoDecoderConfig(tinyDD("[]"), new long[] {3, 1, 1}, 0.25, "fixed", "all"));
        assertTrue(d.bufferNames().contains("mid.block_1.mix_factor"));
        assertTrue(d.bufferNames().contains("mid.attn_1.mix_factor"));
        TemporalParameters.Report r = TemporalParameters.freezeSpatial(d);
        assertFalse(r.trainable().contains("mid.block_1.mix_factor"));
        assertEquals(0.25f, d.stateDict().get("up.0.block.1.mix_factor").getFloat(0));
    }

    @Test
    void rejectsSettingsTheReferenceRejects() {
        assertThrows(IllegalArgumentException.class,
                () -> new VideoDecoderConfig(tinyDD("[]"), new long[] {3, 1, 1}, 0.0, "learned_with_images", "conv-only"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VideoDecoderConfig(tinyDD("[]"), new long[] {3, 1, 1}, 0.0, "learned", "only-last-conv"));
        assertTrue(e.getMessage().contains("time_mode"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d(5).decode(manager.zeros(new Shape(7, 4, 4, 4)), 5, 2));
    }

    private static VideoDecoder d(int unused) {
        return new VideoDecoder(manager, VideoDecoderConfig.svd(tinyDD("[]")));
    }

    @Test
    void configRoundTripsThroughJson() {
        VideoDecoderConfig c = new VideoDecoderConfig(tinyDD("[8]"), new long[] {3, 1, 1}, 0.5, "fixed", "attn-only");
        assertEquals(c.toJson(), VideoDecoderConfig.fromJson(c.toJson()).toJson());
    }
}
