package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes every frame of every shared clip once (the slow part of the data tests: about 50 s of
 * decoding, spread over two threads) and checks it against ffprobe's counts and against the other
 * encoding of the same video: originals with B-frames, edit lists or GIF disposal must come out
 * frame for frame like their baseline copies, which have none of these.
 */
class VideoDecodeAllTest {
    private static final int THUMB_WIDTH = 80;
    private static final int SAMPLE_EVERY = 3;

    /** Thumbnails of every third frame, per decodable file, and the decoded frame count. */
    private static final Map<Path, List<RgbFrame>> THUMBS = new ConcurrentHashMap<>();
    private static final Map<Path, Integer> COUNTS = new ConcurrentHashMap<>();
    private static final Map<Path, SharedClips.Expected> EXPECTED = new LinkedHashMap<>();

    @BeforeAll
    static void decodeEverything() throws Exception {
        VideoReader reader = VideoReader.pureJava();
        EXPECTED.putAll(SharedClips.expected());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Path p : EXPECTED.keySet()) {
                if (!reader.probe(p).decodable()) {
                    continue;
                }
                jobs.add(pool.submit(() -> {
                    List<RgbFrame> thumbs = new ArrayList<>();
                    int n = reader.forEachFrame(p, i -> i % SAMPLE_EVERY == 0, (i, t, f) -> {
                        assertEquals(thumbs.size() * SAMPLE_EVERY, i, "frames must arrive in order");
                        thumbs.add(FrameResize.resize(f, THUMB_WIDTH, Math.round((float) f.height() * THUMB_WIDTH / f.width())));
                    });
                    COUNTS.put(p, n);
                    THUMBS.put(p, thumbs);
                }));
            }
            for (Future<?> j : jobs) {
                j.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyBaselineCopyAndMostOriginalsDecodeToFfprobesFrameCount() {
        int decoded = 0;
        for (Map.Entry<Path, SharedClips.Expected> e : EXPECTED.entrySet()) {
            Path p = e.getKey();
            boolean copy = p.getFileName().toString().endsWith(".baseline.mp4");
            if (copy) {
                assertTrue(COUNTS.containsKey(p), "baseline copy must decode: " + p);
            }
            if (COUNTS.containsKey(p)) {
                assertEquals(e.getValue().frames(), COUNTS.get(p), p.toString());
                decoded++;
            }
        }
        // 10 baseline copies, 6 H.264 originals and 2 GIFs; the MPEG-4 Part 2 .avi and .mp4 give the clear error instead.
        assertEquals(18, decoded);
    }

    @Test
    void originalsMatchTheirBaselineCopiesFrameForFrame() {
        StringBuilder report = new StringBuilder();
        for (Path original : EXPECTED.keySet()) {
            String name = original.getFileName().toString();
            if (name.contains(".baseline.") || !THUMBS.containsKey(original)) {
                continue;
            }
            Path copy = original.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".baseline.mp4");
            List<RgbFrame> a = THUMBS.get(original);
            List<RgbFrame> b = THUMBS.get(copy);
            assertEquals(a.size(), b.size(), name);
            double worst = Double.POSITIVE_INFINITY;
            double shifted = Double.POSITIVE_INFINITY;
            for (int i = 0; i < a.size(); i++) {
                worst = Math.min(worst, Psnr.of(a.get(i), b.get(i)));
                if (i + 1 < a.size()) {
                    shifted = Math.min(shifted, Psnr.of(a.get(i), b.get(i + 1)));
                }
            }
            report.append(String.format(Locale.ROOT, "%s: worst aligned %.1f dB, worst off by %d frames %.1f dB%n", name, worst, SAMPLE_EVERY, shifted));
            // Measured on 80-pixel-wide thumbnails: worst aligned frame 40.0-49.8 dB (H.264 pairs) and
            // 41.6-42.3 dB (GIFs); one step off in time gives 9-24 dB. 35 dB leaves a 5 dB margin.
            assertTrue(worst > 35, "frames out of step with the copy:\n" + report);
            // The check can fail: a misplaced frame scores far lower.
            assertTrue(shifted < worst - 3, "comparison not sensitive to frame order:\n" + report);
        }
        System.out.print(report);
    }
}
