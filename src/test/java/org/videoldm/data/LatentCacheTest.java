package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsFile;

class LatentCacheTest {
    @TempDir
    Path tmp;

    /** Averages 4x4 blocks: a deterministic stand-in for the autoencoder. */
    private static final class AveragePool implements LatentEncoder {
        int calls;

        @Override
        public NDArray encode(NDArray frames) {
            calls++;
            Shape s = frames.getShape();
            return frames.reshape(s.get(0), 3, s.get(2) / 4, 4, s.get(3) / 4, 4).mean(new int[] {5}).mean(new int[] {3});
        }

        @Override
        public float scaleFactor() {
            return 0.5f;
        }

        @Override
        public String describe() {
            return "average-pool 4x4";
        }
    }

    @Test
    void shardsReturnExactlyTheEncodedLatentsWithTheirIds() throws Exception {
        SyntheticDriving source = new SyntheticDriving(7, 4, 16, 32, 99);
        AveragePool encoder = new AveragePool();
        try (NDManager base = NDManager.newBaseManager()) {
            Path index = LatentCache.write(source, encoder, tmp, 3, 2, base);
            assertEquals(5, encoder.calls, "batches of up to 2 clips within shards of 3, 3 and 1 clips: 2 + 2 + 1");
            assertEquals(List.of("latents-00000.safetensors", "latents-00001.safetensors", "latents-00002.safetensors", "latents.json"),
                    Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList());
            assertEquals(7, JsonParser.parseString(Files.readString(index)).getAsJsonObject().get("clips").getAsInt());

            try (SafetensorsFile shard = SafetensorsFile.open(tmp.resolve("latents-00001.safetensors"))) {
                assertEquals("0.5", shard.metadata().get("scale_factor"));
                assertEquals("[\"clip_00003\",\"clip_00004\",\"clip_00005\"]", shard.metadata().get("clip_ids"));
                assertEquals("average-pool 4x4", shard.metadata().get("encoder"));
                assertEquals(new Shape(3, 4, 3, 4, 8), shard.info(LatentCache.TENSOR).shape());
            }

            try (LatentDataset ds = LatentDataset.open(tmp); NDManager m = base.newSubManager()) {
                assertEquals(7, ds.size());
                assertEquals(0.5f, ds.scaleFactor());
                assertEquals(new Shape(4, 3, 4, 8), ds.clipShape());
                for (int i = 0; i < 7; i++) {
                    assertEquals(source.clipId(i), ds.clipId(i));
                    NDArray frames = VideoTensors.framesInner(VideoTensors.toTensor(m, List.of(source.clip(i))));
                    NDArray expected = VideoTensors.videosOf(encoder.encode(frames), 4).squeeze(0);
                    assertArrayEquals(expected.toFloatArray(), ds.get(i, m).toFloatArray(), 0f, "clip " + i);
                }
                NDArray batch = ds.batch(new int[] {6, 0, 3}, m);
                assertEquals(new Shape(3, 4, 3, 4, 8), batch.getShape());
                assertArrayEquals(ds.get(0, m).toFloatArray(), batch.get(1).toFloatArray(), 0f);
                assertArrayEquals(ds.get(0, m).mul(0.5f).toFloatArray(), ds.scaledBatch(new int[] {0}, m).get(0).toFloatArray(), 0f);
                assertNotEquals(ds.get(1, m).toDebugString(), ds.get(2, m).toDebugString());
                int[] order = ds.order(5, 0);
                assertArrayEquals(order, ds.order(5, 0));
                assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, java.util.Arrays.stream(order).sorted().toArray());
            }
        }
    }

    @Test
    void inconsistentShardsAreRejected() throws Exception {
        try (NDManager base = NDManager.newBaseManager()) {
            LatentCache.write(new SyntheticDriving(2, 2, 8, 8, 1), new AveragePool(), tmp, 1, 1, base);
            String index = Files.readString(tmp.resolve(LatentCache.INDEX));
            Files.writeString(tmp.resolve(LatentCache.INDEX), index.replace("\"scale_factor\": 0.5", "\"scale_factor\": 0.25"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LatentDataset.open(tmp));
            assertTrue(e.getMessage().contains("scale factor 0.5 differs"), e.getMessage());
        }
    }
}
