package org.videoldm.cli;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.io.StateDict;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.VideoDecoderConfig;

class DecodeCommandTest {
    static NDManager manager;
    @TempDir Path tmp;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void decodesLatentsChunkByChunkFromAnSvdLayoutCheckpoint() {
        VideoDecoder decoder = new VideoDecoder(manager, VideoDecoderConfig.svd(InspectCommandTest.tinyDD()));
        Path ckpt = tmp.resolve("svd.safetensors");
        StateDict.save(decoder, ckpt, VideoDecoder.CHECKPOINT_PREFIX, Map.of());
        NDArray z = manager.randomNormal(new Shape(6, 4, 4, 6));
        Path lat = tmp.resolve("lat.safetensors");
        SafetensorsWriter.write(lat, Map.of("latents", z.mul(0.5f)), Map.of());
        Path out = tmp.resolve("frames.safetensors");
        assertEquals(0, Main.run("decode", ckpt.toString(), lat.toString(), "--frames", "3", "--decode-chunk", "2", "--scale-factor", "0.5",
                "-o", out.toString()));
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            NDArray frames = f.get("frames", manager);
            assertEquals(new Shape(6, 3, 16, 24), frames.getShape());
            assertTrue(frames.sub(decoder.decode(z, 3, 2)).abs().max().getFloat() < 1e-4);
        }
    }

    @Test
    void wholeVideosAreRequired() {
        VideoDecoder decoder = new VideoDecoder(manager, VideoDecoderConfig.svd(InspectCommandTest.tinyDD()));
        Path ckpt = tmp.resolve("svd.safetensors");
        StateDict.save(decoder, ckpt, VideoDecoder.CHECKPOINT_PREFIX, Map.of());
        Path lat = tmp.resolve("lat.safetensors");
        SafetensorsWriter.write(lat, Map.of("latents", manager.zeros(new Shape(5, 4, 4, 4))), Map.of());
        assertEquals(2, Main.run("decode", ckpt.toString(), lat.toString(), "--frames", "3", "-o", tmp.resolve("o.safetensors").toString()));
    }
}
