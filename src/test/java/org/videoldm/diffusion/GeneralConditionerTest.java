package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.videoldm.conformance.Fixture;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.model.clip.FrozenCLIPEmbedder;

/** Caption dropout and the crossattn conditioning of {@link GeneralConditioner}, on the clip_text fixture's text tower. */
class GeneralConditionerTest {
    private static FrozenCLIPEmbedder embedder(NDManager m) {
        Path dir = TestPaths.conformance();
        Fixture f = Fixture.load(dir.resolve("clip_text"), m);
        CLIPTextModel model = new CLIPTextModel(m, CLIPTextConfig.fromJson(f.kwargs()));
        CLIPWeights.load(model, dir.resolve("clip_text/weights.safetensors"), "");
        return new FrozenCLIPEmbedder(CLIPTokenizer.fromDirectory(dir.resolve("clip_tokenizer")), model);
    }

    @Test
    void dropsCaptionsAtTheUcgRateDeterministically() {
        GeneralConditioner c = new GeneralConditioner(null, 0.3, "");
        int n = 20_000;
        boolean[] d = c.dropped(n, 42);
        long count = 0;
        for (boolean b : d) {
            count += b ? 1 : 0;
        }
        double rate = count / (double) n;
        double sd = Math.sqrt(0.3 * 0.7 / n);
        assertEquals(0.3, rate, 4 * sd, "dropout rate");
        assertArrayEquals(d, c.dropped(n, 42), "same seed, same drops");
        assertTrue(!Arrays.equals(d, c.dropped(n, 43)), "another seed, other drops");
        // a batch's drops are a prefix of the longer draw: row i depends on (seed, i) alone
        assertArrayEquals(Arrays.copyOf(d, 8), c.dropped(8, 42));
        boolean[] none = new GeneralConditioner(null, 0, "").dropped(100, 1);
        boolean[] all = new GeneralConditioner(null, 1, "").dropped(100, 1);
        for (int i = 0; i < 100; i++) {
            assertTrue(!none[i] && all[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> new GeneralConditioner(null, 1.5, ""));
    }

    @Test
    void droppedCaptionsGetTheEmptyPromptEmbeddingAndRowsRepeatPerFrame() {
        try (NDManager m = NDManager.newBaseManager()) {
            FrozenCLIPEmbedder e = embedder(m);
            GeneralConditioner c = new GeneralConditioner(e, 0.5, GeneralConditioner.EMPTY_PROMPT);
            List<String> captions = Arrays.asList("a red car at night", "rain on a highway", "a yellow taxi", null);
            long seed = seedWithSomeDrops(c, captions.size());
            boolean[] drop = c.dropped(captions.size(), seed);
            int frames = 3;
            Conditioning cond = c.forward(m, captions, seed, frames);
            NDArray ctx = cond.crossattn();
            assertArrayEquals(new long[] {captions.size() * frames, 77, 64}, ctx.getShape().getShape());
            assertEquals(frames, cond.numVideoFrames());
            NDArray empty = e.encode(m, List.of(""));
            for (int i = 0; i < captions.size(); i++) {
                String text = captions.get(i) == null || drop[i] ? "" : captions.get(i);
                NDArray expected = e.encode(m, List.of(text));
                for (int t = 0; t < frames; t++) {
                    NDArray row = ctx.get((i * frames + t) + ":" + (i * frames + t + 1));
                    assertTrue(row.allClose(expected, 1e-5, 1e-5, false), "row " + i + " frame " + t + " is the embedding of '" + text + "'");
                    if (text.isEmpty()) {
                        assertTrue(row.allClose(empty, 1e-5, 1e-5, false));
                    } else {
                        assertTrue(!row.allClose(empty, 1e-3, 1e-3, false), "a kept caption is not the empty prompt");
                    }
                }
            }
        }
    }

    @Test
    void withoutALegacyValueDroppedRowsAreZeroed() {
        try (NDManager m = NDManager.newBaseManager()) {
            GeneralConditioner c = new GeneralConditioner(embedder(m), 0.5, null);
            List<String> captions = List.of("a", "b c", "d e f", "g");
            long seed = seedWithSomeDrops(c, captions.size());
            boolean[] drop = c.dropped(captions.size(), seed);
            NDArray ctx = c.forward(m, captions, seed, 1).crossattn();
            for (int i = 0; i < captions.size(); i++) {
                float energy = ctx.get(i + ":" + (i + 1)).square().sum().getFloat();
                assertEquals(drop[i], energy == 0f, "row " + i);
            }
        }
    }

    @Test
    void unconditionalConditioningHasNoDropout() {
        try (NDManager m = NDManager.newBaseManager()) {
            FrozenCLIPEmbedder e = embedder(m);
            GeneralConditioner c = new GeneralConditioner(e, 1.0, "");
            Conditioning[] cu = c.unconditionalConditioning(m, List.of("a red car", "a blue car"), "", 2);
            assertArrayEquals(new long[] {4, 77, 64}, cu[0].crossattn().getShape().getShape());
            assertArrayEquals(new long[] {4, 77, 64}, cu[1].crossattn().getShape().getShape());
            NDArray red = e.encode(m, List.of("a red car"));
            NDArray empty = e.encode(m, List.of(""));
            assertTrue(cu[0].crossattn().get("1:2").allClose(red, 1e-5, 1e-5, false), "prompts kept whatever ucg_rate");
            for (int r = 0; r < 4; r++) {
                assertTrue(cu[1].crossattn().get(r + ":" + (r + 1)).allClose(empty, 1e-5, 1e-5, false));
            }
            assertNotEquals(red.sum().getFloat(), empty.sum().getFloat());
        }
    }

    /** A seed whose draw drops some rows but not all (so both kinds are checked). */
    private static long seedWithSomeDrops(GeneralConditioner c, int n) {
        for (long s = 0; ; s++) {
            boolean[] d = c.dropped(n, s);
            int k = 0;
            for (boolean b : d) {
                k += b ? 1 : 0;
            }
            if (k > 0 && k < n) {
                return s;
            }
        }
    }
}
