package org.videoldm.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.SyntheticDriving;

/** The toy BPE: merges worked out by hand, its files read by CLIP's tokenizer, and text round-trips through them. */
class BpeTrainerTest {
    @TempDir
    Path dir;

    @Test
    void mergesTheMostFrequentPairFirstAsWorkedOutByHand() {
        // words: "low" x3 and "lower" x1 (CLIP's pieces); symbols l o w</w> (3x), l o w e r</w> (1x)
        // pairs: "l o" 4, "o w</w>" 3, "o w" 1, "w e" 1, "e r</w>" 1 -> merge "l o" (4)
        // then: "lo w</w>" 3, "lo w" 1, ... -> merge "lo w</w>" (3); then every pair counts 1 < minCount 2: stop
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("low low", "low lower"), 100, 2);
        assertEquals(List.of("l o", "lo w</w>"), v.merges());
        assertEquals(512 + 2 + 2, v.size(), "byte symbols, two merged tokens, two specials");
        assertEquals(512, v.vocab().get("lo"));
        assertEquals(513, v.vocab().get("low</w>"));
        assertEquals(v.size() - 1, v.vocab().get(CLIPTokenizer.EOS), "end of text is the last id, as CLIP's");
        assertEquals(v.size() - 2, v.vocab().get(CLIPTokenizer.BOS));
    }

    @Test
    void clipsTokenizerReadsTheFilesAndTextRoundTrips() {
        List<String> captions = new ArrayList<>();
        SyntheticDriving gen = new SyntheticDriving(300, 8, 64, 128, 7);
        for (int i = 0; i < 300; i++) {
            captions.add(gen.caption(i));
        }
        BpeTrainer.Vocabulary v = BpeTrainer.train(captions, 5000, 1);
        v.write(dir);
        CLIPTokenizer tok = CLIPTokenizer.fromDirectory(dir);
        assertEquals(v.size() - 1, tok.eosId());
        for (String c : captions.subList(0, 50)) {
            int[] ids = tok.encode(c);
            // every word of the corpus became one token (minCount 1 merges until no pair is left)
            assertEquals(CLIPTokenizer.pieces(c, true).size() + 2, ids.length, c);
            // CLIP's decode ends every word with a space, so text comes back as its pieces joined by spaces, and ids as they were
            assertEquals(String.join(" ", CLIPTokenizer.pieces(c, true)), tok.decode(ids, true), c);
            assertArrayEquals(ids, tok.encode(tok.decode(ids, true)), c);
        }
        // a word the captions never had falls back to smaller pieces and still decodes
        int[] odd = tok.encode("a zebra crossing");
        assertTrue(odd.length > 5, "zebra is not one token");
        assertEquals("a zebra crossing", tok.decode(odd, true));
        assertEquals("<|startoftext|>a zebra crossing <|endoftext|>", tok.decode(odd, false));
        assertArrayEquals(odd, tok.encode(tok.decode(odd, true)));
    }

    @Test
    void decodingOpenAIsVocabularyLayoutWorksForBytesOutsideAscii() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("café au lait"), 100, 1);
        v.write(dir);
        CLIPTokenizer tok = CLIPTokenizer.fromDirectory(dir);
        assertEquals("café au lait", tok.decode(tok.encode("Café  au lait"), true));
        assertEquals("naïve", tok.decode(tok.encode("naïve"), true), "unseen non-ASCII text goes through byte symbols");
    }
}
