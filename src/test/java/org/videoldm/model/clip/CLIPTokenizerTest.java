package org.videoldm.model.clip;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;

class CLIPTokenizerTest {
    static final Path DIR = TestPaths.conformance().resolve("clip_tokenizer");

    static JsonArray cases() throws Exception {
        return JsonParser.parseString(Files.readString(DIR.resolve("cases.json"))).getAsJsonArray();
    }

    static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @Test
    void tokenizerJsonGivesTheSameIdsAsVocabAndMerges() throws Exception {
        CLIPTokenizer a = CLIPTokenizer.fromFiles(DIR.resolve("vocab.json"), DIR.resolve("merges.txt"));
        CLIPTokenizer b = CLIPTokenizer.fromTokenizerJson(DIR.resolve("tokenizer.json"));
        for (JsonElement e : cases()) {
            String text = e.getAsJsonObject().get("text").getAsString();
            assertArrayEquals(a.encode(text), b.encode(text), text);
            assertArrayEquals(ints(e.getAsJsonObject().getAsJsonArray("ids_unpadded")), b.encode(text), text);
        }
    }

    @Test
    void withoutTextFixingMatchesTheFastTokenizerVariants() throws Exception {
        // CLIPTokenizerFast does no ftfy step; the fixture records its ids for the cases that depend on it.
        CLIPTokenizer fast = CLIPTokenizer.fromDirectory(DIR).withoutTextFixing();
        int checked = 0;
        for (JsonElement e : cases()) {
            JsonObject c = e.getAsJsonObject();
            if (c.has("variants") && c.getAsJsonObject("variants").has("fast")) {
                JsonObject v = c.getAsJsonObject("variants").getAsJsonObject("fast");
                assertArrayEquals(ints(v.getAsJsonArray("ids_unpadded")), fast.encode(c.get("text").getAsString()), c.get("name").getAsString());
                checked++;
            }
        }
        assertEquals(3, checked);
    }

    @Test
    void paddingAndTruncationFollowStableDiffusion() {
        CLIPTokenizer tok = CLIPTokenizer.fromDirectory(DIR);
        String longText = "a red car ".repeat(40);
        int[] ids = tok.encodePadded(longText, 77);
        assertEquals(77, ids.length);
        assertEquals(tok.bosId(), ids[0]);
        assertEquals(tok.eosId(), ids[76]);
        int[] empty = tok.encodePadded("", 77);
        assertEquals(tok.bosId(), empty[0]);
        for (int i = 1; i < 77; i++) {
            assertEquals(tok.eosId(), empty[i]);
        }
        assertEquals(0, tok.withPadId(0).encodePadded("", 77)[5]);
        long[][] batch = tok.encodeBatch(List.of("a car", "rain"), 77);
        assertEquals(2, batch.length);
        assertEquals(77, batch[1].length);
    }

    @Test
    void textFixerRepairsWhatFtfyRepairs() {
        assertEquals("it's \"quoted\"", TextFixer.fixText("it\u2019s \u201cquoted\u201d"));
        assertEquals("cars & trucks", TextFixer.fixText("cars &amp; trucks"));
        assertEquals("<b>&amp;</b>", TextFixer.fixText("<b>&amp;</b>"));
        assertEquals("CAR road", TextFixer.fixText("\uff23\uff21\uff32\u3000\uff52\uff4f\uff41\uff44"));
        assertEquals("office", TextFixer.fixText("o\ufb03ce"));
        assertEquals("caf\u00e9", TextFixer.fixText("caf\u00c3\u00a9"));
        assertEquals("a\nb", TextFixer.fixText("a\r\nb"));
        assertEquals("ab", TextFixer.fixText("a\u0000b"));
        assertEquals("it's", TextFixer.fixText("it\u0092s"));
        assertEquals("red car", TextFixer.fixText("\u001b[31mred\u001b[0m car"));
    }

    @Test
    void missingSpecialTokensAreNamed() throws Exception {
        Path dir = Files.createTempDirectory("tok");
        Files.writeString(dir.resolve("vocab.json"), "{\"a</w>\": 0}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CLIPTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("<|startoftext|>"), e.getMessage());
    }
}
