package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    /** Clips whose bytes record their index and augmentation seed, loaded with a random delay. */
    private static class Recording implements ClipSource {
        private final int n;

        Recording(int n) {
            this.n = n;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public String clipId(int index) {
            return "c" + index;
        }

        @Override
        public Clip clip(int index, long augmentSeed) {
            try {
                Thread.sleep((index * 7L) % 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] data = ByteBuffer.allocate(18).putLong(index).putLong(augmentSeed).array();
            return new Clip(clipId(index), 1, 2, 3, data);
        }

        static long seedOf(Clip c) {
            return ByteBuffer.wrap(c.data()).getLong(8);
        }
    }

    private static List<String> run(BatchLoader loader, int epoch) {
        List<String> out = new ArrayList<>();
        for (List<Clip> batch : loader.epoch(epoch)) {
            StringBuilder sb = new StringBuilder();
            for (Clip c : batch) {
                sb.append(c.id()).append(':').append(Recording.seedOf(c)).append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void sameSeedSameBatchesWhateverTheThreads() {
        try (BatchLoader one = new BatchLoader(new Recording(23), 4, 9, true, false, 1);
             BatchLoader three = new BatchLoader(new Recording(23), 4, 9, true, false, 3)) {
            List<String> a = run(one, 2);
            assertEquals(a, run(three, 2));
            assertEquals(6, a.size());
            assertEquals(6, one.batchesPerEpoch());
            Set<String> seen = new HashSet<>();
            for (String batch : a) {
                for (String item : batch.strip().split(" ")) {
                    seen.add(item.split(":")[0]);
                }
            }
            assertEquals(23, seen.size(), "every clip exactly once per epoch");
            assertNotEquals(a, run(one, 3), "another epoch, another order");
        }
    }

    @Test
    void dropLastAndNoShuffle() {
        try (BatchLoader l = new BatchLoader(new Recording(10), 4, 1, false, true, 2)) {
            List<String> batches = run(l, 0);
            assertEquals(2, batches.size());
            assertTrue(batches.get(0).startsWith("c0:"), batches.get(0));
            assertTrue(batches.get(1).startsWith("c4:"), batches.get(1));
        }
    }

    @Test
    void loaderErrorsReachTheCaller() {
        ClipSource broken = new Recording(5) {
            @Override
            public Clip clip(int index, long augmentSeed) {
                throw new VideoDecodeException(java.nio.file.Path.of("x.mp4"), "boom", null);
            }
        };
        try (BatchLoader l = new BatchLoader(broken, 2, 1, true, false, 2)) {
            VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> l.epoch(0).iterator().next());
            assertTrue(e.getMessage().startsWith("x.mp4: boom"));
        }
    }

    @Test
    void tensorsRoundTripAndKeepFramesInner() {
        List<Clip> clips = new ArrayList<>();
        SyntheticDriving scenes = new SyntheticDriving(3, 4, 16, 24, 8);
        for (int i = 0; i < 3; i++) {
            clips.add(scenes.clip(i));
        }
        try (NDManager base = NDManager.newBaseManager(); NDManager m = base.newSubManager()) {
            NDArray x = VideoTensors.toTensor(m, clips);
            assertEquals(new Shape(3, 4, 3, 16, 24), x.getShape());
            assertTrue(x.min().getFloat() >= -1f && x.max().getFloat() <= 1f);
            // Pixel (row 5, column 7) of clip 2, frame 1, green channel:
            int raw = clips.get(2).data()[((1 * 16 + 5) * 24 + 7) * 3 + 1] & 0xff;
            assertEquals(raw / 127.5f - 1f, x.get(new NDIndex(2, 1, 1, 5, 7)).getFloat(), 1e-6f);
            NDArray frames = VideoTensors.framesInner(x);
            assertEquals(new Shape(12, 3, 16, 24), frames.getShape());
            assertEquals(x.get(new NDIndex(2, 1)).toDebugString(), frames.get(new NDIndex(2 * 4 + 1)).toDebugString());
            List<List<RgbFrame>> back = VideoTensors.toFrames(frames, 4);
            for (int i = 0; i < 3; i++) {
                assertEquals(clips.get(i).frameList(), back.get(i), "uint8 -> [-1,1] -> uint8 is exact");
            }
            assertArrayEquals(new long[] {3, 4, 3, 16, 24}, VideoTensors.videosOf(frames, 4).getShape().getShape());
        }
    }
}
