package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.model.clip.CLIPTokenizer;

/**
 * transformers' {@code CLIPTokenizer} (with ftfy) and {@code CLIPTokenizerFast} (without): every case of
 * the fixture's cases file, unpadded and padded to max_length, compared id for id. Outputs are named
 * {@code out.<case>.ids_unpadded} and {@code out.<case>.ids_padded77}.
 */
final class CLIPTokenizerKind implements FixtureKind {
    @Override
    public String name() {
        return "CLIPTokenizer";
    }

    @Override
    public boolean accepts(Fixture f) {
        // The whole reference must name the class: pipeline fixtures mention it inside a longer description.
        return f.reference().matches("[\\w.]*(tokenization_clip:CLIPTokenizer|tokenization_clip_fast:CLIPTokenizerFast)");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        CLIPTokenizer tok = tokenizer(f);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonObject> c : cases(f).entrySet()) {
            String text = c.getValue().get("text").getAsString();
            out.put("out." + c.getKey() + ".ids_unpadded", ids(m, tok.encode(text)));
            for (int maxLength : paddedLengths(f, c.getValue())) {
                out.put("out." + c.getKey() + ".ids_padded" + maxLength, ids(m, tok.encodePadded(text, maxLength)));
            }
        }
        return out;
    }

    @Override
    public Map<String, NDArray> expected(Fixture f, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonObject> c : cases(f).entrySet()) {
            JsonObject o = c.getValue();
            if (o.has("ids_unpadded")) {
                out.put("out." + c.getKey() + ".ids_unpadded", ids(m, toInts(o.getAsJsonArray("ids_unpadded"))));
            }
            for (int maxLength : paddedLengths(f, o)) {
                String padded = "ids_padded" + maxLength;
                if (o.has(padded)) {
                    out.put("out." + c.getKey() + "." + padded, ids(m, toInts(o.getAsJsonArray(padded))));
                }
            }
        }
        return out;
    }

    private static CLIPTokenizer tokenizer(Fixture f) {
        Path dir = f.dir();
        JsonObject kw = f.kwargs();
        CLIPTokenizer tok;
        if (kw.has("vocab_file") && kw.has("merges_file")) {
            tok = CLIPTokenizer.fromFiles(dir.resolve(kw.get("vocab_file").getAsString()), dir.resolve(kw.get("merges_file").getAsString()));
        } else if (kw.has("tokenizer_file")) {
            tok = CLIPTokenizer.fromTokenizerJson(dir.resolve(kw.get("tokenizer_file").getAsString()));
        } else {
            tok = CLIPTokenizer.fromDirectory(dir);
        }
        JsonElement pad = f.constant("pad_token_id");
        if (pad != null) {
            tok = tok.withPadId(pad.getAsInt());
        }
        if (f.reference().endsWith("CLIPTokenizerFast")) {
            tok = tok.withoutTextFixing();
        }
        return tok;
    }

    /** The padded lengths a case lists ({@code ids_padded<N>} fields), or call.constants.max_length (77 by default). */
    private static java.util.List<Integer> paddedLengths(Fixture f, JsonObject c) {
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        for (String k : c.keySet()) {
            if (k.matches("ids_padded\\d+")) {
                lengths.add(Integer.parseInt(k.substring("ids_padded".length())));
            }
        }
        if (lengths.isEmpty()) {
            JsonElement e = f.constant("max_length");
            lengths.add(e == null ? CLIPTokenizer.MAX_LENGTH : e.getAsInt());
        }
        return lengths;
    }

    /** Cases by name (duplicates get their index appended). */
    static Map<String, JsonObject> cases(Fixture f) {
        String file = "cases.json";
        JsonObject cfg = f.config();
        if (cfg.has("cases") && cfg.get("cases").isJsonObject() && cfg.getAsJsonObject("cases").has("file")) {
            file = cfg.getAsJsonObject("cases").get("file").getAsString();
        }
        Path p = f.dir().resolve(file);
        JsonArray arr;
        try {
            arr = JsonParser.parseString(Files.readString(p)).getAsJsonArray();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(p + ": cannot read the tokenizer cases: " + e.getMessage(), e);
        }
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonObject o = arr.get(i).getAsJsonObject();
            String name = o.has("name") ? o.get("name").getAsString() : "case" + i;
            out.put(out.containsKey(name) ? name + "#" + i : name, o);
        }
        return out;
    }

    private static int[] toInts(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static NDArray ids(NDManager m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = ids[i];
        }
        return m.create(l);
    }
}
