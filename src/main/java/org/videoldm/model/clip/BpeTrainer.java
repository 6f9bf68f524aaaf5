package org.videoldm.model.clip;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a small byte-level BPE vocabulary in CLIP's file format from a corpus, so that {@link CLIPTokenizer} (the code
 * that reads OpenAI's 49,408-token vocabulary) reads it unchanged. Words are CLIP's pre-tokenised pieces as byte symbols
 * with {@code </w>} on the last; the most frequent adjacent pair is merged until no pair occurs at least
 * {@code minCount} times or {@code maxMerges} merges are made (ties: the pair that sorts first, so the result is a pure
 * function of the corpus). The vocabulary is laid out as CLIP's: the 256 byte symbols, the same with {@code </w>}, the
 * merges' results in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>} as the last two ids. Every byte
 * keeps a symbol, so words the corpus never had still tokenise (into pieces).
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /** The learnt vocabulary (token to id) and merges (in rank order, "left right"). */
    public record Vocabulary(Map<String, Integer> vocab, List<String> merges) {
        public int size() {
            return vocab.size();
        }

        /** Writes {@code vocab.json} and {@code merges.txt} (with transformers' version header) into {@code dir}. */
        public void write(Path dir) {
            try {
                Files.createDirectories(dir);
                JsonObject v = new JsonObject();
                vocab.forEach(v::addProperty);
                Files.writeString(dir.resolve("vocab.json"), new GsonBuilder().disableHtmlEscaping().create().toJson(v), StandardCharsets.UTF_8);
                StringBuilder sb = new StringBuilder("#version: 0.2\n");
                merges.forEach(m -> sb.append(m).append('\n'));
                Files.writeString(dir.resolve("merges.txt"), sb.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(dir + ": cannot write the tokenizer: " + e.getMessage(), e);
            }
        }
    }

    /** Learns merges from {@code texts}. */
    public static Vocabulary train(List<String> texts, int maxMerges, int minCount) {
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String t : texts) {
            for (String piece : CLIPTokenizer.pieces(t, true)) {
                wordCounts.merge(piece, 1, Integer::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.forEach((w, c) -> {
            words.add(CLIPTokenizer.symbols(w));
            counts.add(c);
        });
        List<String> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<String, Integer> pairs = new TreeMap<>();
            for (int i = 0; i < words.size(); i++) {
                List<String> w = words.get(i);
                for (int j = 0; j + 1 < w.size(); j++) {
                    pairs.merge(w.get(j) + " " + w.get(j + 1), counts.get(i), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null || bestCount < minCount) {
                break;
            }
            merges.add(best);
            String[] lr = best.split(" ");
            for (int i = 0; i < words.size(); i++) {
                words.set(i, merge(words.get(i), lr[0], lr[1]));
            }
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String b : CLIPTokenizer.byteAlphabet()) {
            vocab.put(b, vocab.size());
        }
        for (String b : CLIPTokenizer.byteAlphabet()) {
            vocab.put(b + "</w>", vocab.size());
        }
        for (String m : merges) {
            vocab.putIfAbsent(m.replace(" ", ""), vocab.size());
        }
        vocab.put(CLIPTokenizer.BOS, vocab.size());
        vocab.put(CLIPTokenizer.EOS, vocab.size());
        return new Vocabulary(vocab, merges);
    }

    /** {@code word} with every adjacent (left, right) replaced by their join, left to right. */
    static List<String> merge(List<String> word, String left, String right) {
        List<String> out = new ArrayList<>(word.size());
        for (int i = 0; i < word.size(); i++) {
            if (i + 1 < word.size() && word.get(i).equals(left) && word.get(i + 1).equals(right)) {
                out.add(left + right);
                i++;
            } else {
                out.add(word.get(i));
            }
        }
        return out;
    }
}
