package org.videoldm.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.RgbFrame;
import org.videoldm.util.Progress;

class VideoLDMPipelineTest {
    @TempDir
    Path dir;

    @Test
    void videoIDoesNotDependOnHowManyAreAsked() {
        TinyCheckpoints.write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m).progress(Progress.Mode.QUIET);
            assertEquals(TinyCheckpoints.FRAMES, p.trainedFrames());
            Shape latent = p.latentShape(TinyCheckpoints.HEIGHT, TinyCheckpoints.WIDTH);
            assertEquals(new Shape(4, 8, 16), latent);
            VideoLDMPipeline.Options o = new VideoLDMPipeline.Options("euler", 2, 7).withBatch(1);
            int[] calls = {0};
            NDArray three = p.sampleVideo(m, 3, 4, latent, o, step -> calls[0]++);
            assertEquals(6, calls[0], "one callback per step and network call");
            NDArray two = p.sampleVideo(m, 2, 4, latent, o, null);
            assertEquals(new Shape(12, 4, 8, 16), three.getShape());
            assertArrayEquals(two.toFloatArray(), three.get("0:8").toFloatArray(), 0f);
            NDArray other = p.sampleVideo(m, 1, 4, latent, o.withSeed(8), null);
            assertTrue(other.sub(three.get("0:4")).abs().max().getFloat() > 1e-3, "another seed, another video");

            NDArray frames = p.sampleImageFrames(m, 2, 3, latent, o, null);
            assertEquals(new Shape(6, 4, 8, 16), frames.getShape());
        }
    }

    @Test
    void batchedSamplingGivesEachVideoItsOwnNoise() {
        TinyCheckpoints.write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m).progress(Progress.Mode.QUIET);
            Shape latent = p.latentShape(TinyCheckpoints.HEIGHT, TinyCheckpoints.WIDTH);
            VideoLDMPipeline.Options o = new VideoLDMPipeline.Options("euler", 2, 3);
            int[] calls = {0};
            NDArray batched = p.sampleVideo(m, 3, 4, latent, o.withBatch(2), step -> calls[0]++);
            assertEquals(4, calls[0], "two calls (2 + 1 videos) of two steps");
            NDArray single = p.sampleVideo(m, 3, 4, latent, o.withBatch(1), null);
            // the same videos up to float rounding of the batched convolutions
            float diff = batched.sub(single).abs().max().getFloat();
            assertTrue(diff < 1e-4f, "batched vs one by one: " + diff);
            assertTrue(batched.get("0:4").sub(batched.get("4:8")).abs().max().getFloat() > 1e-2f, "videos of a batch differ");
            NDArray frames = p.sampleImageFrames(m, 2, 3, latent, o.withBatch(2), null);
            NDArray framesSingle = p.sampleImageFrames(m, 2, 3, latent, o.withBatch(1), null);
            assertTrue(frames.sub(framesSingle).abs().max().getFloat() < 1e-4f);
        }
    }

    @Test
    void batchByMemory() {
        Shape latent = new Shape(4, 16, 32);
        long perVideo = 8L * 16 * 32 * 64 * SamplingBatch.BYTES_PER_UNIT;
        assertEquals(1, SamplingBatch.choose(5, 8, latent, 64, 4 * perVideo + 1), "room for one");
        assertEquals(3, SamplingBatch.choose(5, 8, latent, 64, 4 * 3 * perVideo), "room for three");
        assertEquals(2, SamplingBatch.choose(2, 8, latent, 64, 1L << 50), "never more than asked");
        assertEquals(SamplingBatch.MAX, SamplingBatch.choose(100, 8, latent, 64, 1L << 50));
        assertEquals(1, SamplingBatch.choose(5, 8, latent, 64, 0), "at least one");
    }

    @Test
    void decodersAndChunks() {
        TinyCheckpoints.write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m).progress(Progress.Mode.QUIET);
            NDArray z = m.randomNormal(new Shape(8, 4, 8, 16));
            // the temporal decoder with a chunk of the whole clip is the autoencoder's decode of each clip
            NDArray whole = p.decode(z, 4, VideoLDMPipeline.DecoderChoice.TEMPORAL, 4, null);
            NDArray direct = p.temporalFirstStage().autoencoder().decode(z.get("4:8").div(0.9f), 4);
            assertTrue(whole.get("4:8").sub(direct).abs().max().getFloat() < 1e-5);
            // chunks of 2 are decoded as clips of their own: different from whole clips (temporal layers see less)
            NDArray chunked = p.decode(z, 4, VideoLDMPipeline.DecoderChoice.TEMPORAL, 2, null);
            NDArray firstChunk = p.temporalFirstStage().autoencoder().decode(z.get("0:2").div(0.9f), 2);
            assertTrue(chunked.get("0:2").sub(firstChunk).abs().max().getFloat() < 1e-5);
            // the image decoder decodes frame by frame whatever the chunk
            NDArray a = p.decode(z, 4, VideoLDMPipeline.DecoderChoice.IMAGE, 3, null);
            NDArray b = p.decode(z, 4, VideoLDMPipeline.DecoderChoice.IMAGE, 1, null);
            assertTrue(a.sub(b).abs().max().getFloat() < 1e-5);
            List<List<RgbFrame>> videos = VideoLDMPipeline.toFrames(a, 4);
            assertEquals(2, videos.size());
            assertEquals(4, videos.get(0).size());
            assertEquals(TinyCheckpoints.WIDTH, videos.get(0).get(0).width());
        }
    }

    @Test
    void missingNetworksNameTheFile() throws Exception {
        TinyCheckpoints.write(dir);
        Files.delete(dir.resolve("video_decoder.safetensors"));
        Files.delete(dir.resolve("image_ldm.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m).progress(Progress.Mode.QUIET);
            Exception e = assertThrows(IllegalArgumentException.class,
                    () -> p.decode(m.zeros(new Shape(4, 4, 8, 16)), 4, VideoLDMPipeline.DecoderChoice.TEMPORAL, 4, null));
            assertTrue(e.getMessage().contains("video_decoder.safetensors"), e.getMessage());
            Exception f = assertThrows(IllegalArgumentException.class, () -> p.sampleImageFrames(m, 1, 2, new Shape(4, 8, 16),
                    VideoLDMPipeline.Options.defaults(), null));
            assertTrue(f.getMessage().contains("image_ldm.safetensors"), f.getMessage());
            Files.delete(dir.resolve("autoencoder.safetensors"));
            Exception g = assertThrows(IllegalArgumentException.class, () -> VideoLDMPipeline.load(dir, m));
            assertTrue(g.getMessage().contains("autoencoder.safetensors") && g.getMessage().contains("notebooks 01-03"), g.getMessage());
        }
    }
}
