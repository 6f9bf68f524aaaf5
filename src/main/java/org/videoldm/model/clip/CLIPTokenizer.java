package org.videoldm.model.clip;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, as transformers' (slow) {@code CLIPTokenizer} with ftfy installed:
 * text is fixed ({@link TextFixer}), whitespace runs collapsed to one space, lower-cased, split by
 * CLIP's regex, each piece's UTF-8 bytes mapped to the 256 byte symbols, {@code </w>} appended to the
 * last symbol, and merges applied lowest rank first. Sequences are {@code <|startoftext|> ... <|endoftext|>};
 * {@link #encodePadded} truncates to 77 and pads with the end-of-text id, as Stable Diffusion 1.x does.
 */
public final class CLIPTokenizer {
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    public static final int MAX_LENGTH = 77;
    /** transformers reads at most this many merges from merges.txt (the size of OpenAI's vocabulary less bytes and specials). */
    private static final int MAX_MERGES = 49152 - 256 - 2;

    private static final Pattern PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPECIALS = Pattern.compile(Pattern.quote(BOS) + "|" + Pattern.quote(EOS));
    private static final String[] BYTE_SYMBOLS = byteSymbols();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final boolean fixText;
    /** id to token and byte symbol to byte, built on the first {@link #decode}. */
    private volatile Map<Integer, String> inverse;
    private volatile Map<Character, Integer> byteOf;

    private CLIPTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, Integer padId, boolean fixText) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.bosId = require(vocab, BOS);
        this.eosId = require(vocab, EOS);
        this.padId = padId == null ? eosId : padId;
        this.fixText = fixText;
    }

    private static int require(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("CLIP vocabulary has no " + token + " token");
        }
        return id;
    }

    /** A folder with vocab.json + merges.txt, or tokenizer.json. */
    public static CLIPTokenizer fromDirectory(Path dir) {
        if (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
            return fromFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return fromTokenizerJson(dir.resolve("tokenizer.json"));
        }
        throw new IllegalArgumentException(dir + ": no CLIP tokenizer here (need vocab.json and merges.txt, or tokenizer.json)");
    }

    public static CLIPTokenizer fromFiles(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = readVocab(vocabJson, parse(vocabJson).getAsJsonObject());
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(mergesTxt + ": cannot read: " + e.getMessage(), e);
        }
        List<String[]> merges = new ArrayList<>();
        for (int i = 0; i < lines.size() && merges.size() < MAX_MERGES; i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#")) || line.isBlank()) {
                continue;
            }
            String[] pair = line.split(" ");
            if (pair.length != 2) {
                throw new IllegalArgumentException(mergesTxt + ": line " + (i + 1) + " is not 'left right': " + line);
            }
            merges.add(pair);
        }
        return new CLIPTokenizer(vocab, ranks(merges), null, true);
    }

    /** The tokenizers-library file ({@code model.vocab}, {@code model.merges} as "a b" strings or [a, b] pairs). */
    public static CLIPTokenizer fromTokenizerJson(Path file) {
        JsonObject root = parse(file).getAsJsonObject();
        if (!root.has("model") || !root.getAsJsonObject("model").has("vocab") || !root.getAsJsonObject("model").has("merges")) {
            throw new IllegalArgumentException(file + ": not a BPE tokenizer.json (no model.vocab / model.merges)");
        }
        JsonObject model = root.getAsJsonObject("model");
        Map<String, Integer> vocab = readVocab(file, model.getAsJsonObject("vocab"));
        List<String[]> merges = new ArrayList<>();
        for (JsonElement e : model.getAsJsonArray("merges")) {
            if (e.isJsonArray()) {
                JsonArray a = e.getAsJsonArray();
                merges.add(new String[] {a.get(0).getAsString(), a.get(1).getAsString()});
            } else {
                merges.add(e.getAsString().split(" ", 2));
            }
        }
        return new CLIPTokenizer(vocab, ranks(merges), null, true);
    }

    /** The same tokenizer with another padding id (open_clip / SD 2.x pad with 0). */
    public CLIPTokenizer withPadId(int id) {
        return new CLIPTokenizer(vocab, mergeRanks, id, fixText);
    }

    /** The same tokenizer without the ftfy step, as CLIPTokenizerFast behaves (NFC, whitespace, lower case only). */
    public CLIPTokenizer withoutTextFixing() {
        return new CLIPTokenizer(vocab, mergeRanks, padId, false);
    }

    private static JsonElement parse(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot read JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> readVocab(Path file, JsonObject o) {
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            vocab.put(e.getKey(), e.getValue().getAsInt());
        }
        if (vocab.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty vocabulary");
        }
        return vocab;
    }

    private static Map<String, Integer> ranks(List<String[]> merges) {
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            ranks.putIfAbsent(merges.get(i)[0] + " " + merges.get(i)[1], i);
        }
        return ranks;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    /** start token, BPE ids, end token; not truncated. */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        ids.add(bosId);
        // Special-token literals in the text are taken as the tokens themselves, as transformers' added-token split does.
        Matcher m = SPECIALS.matcher(text);
        int last = 0;
        while (m.find()) {
            tokenizeChunk(text.substring(last, m.start()), ids);
            ids.add(m.group().equals(BOS) ? bosId : eosId);
            last = m.end();
        }
        tokenizeChunk(text.substring(last), ids);
        ids.add(eosId);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** As {@link #encode}, then truncated to {@code maxLength} (keeping the end token) and padded with the pad id. */
    public int[] encodePadded(String text, int maxLength) {
        int[] ids = encode(text);
        int[] out = new int[maxLength];
        Arrays.fill(out, padId);
        if (ids.length > maxLength) {
            System.arraycopy(ids, 0, out, 0, maxLength - 1);
            out[maxLength - 1] = eosId;
        } else {
            System.arraycopy(ids, 0, out, 0, ids.length);
        }
        return out;
    }

    public int[] encodePadded(String text) {
        return encodePadded(text, MAX_LENGTH);
    }

    /** Prompts as a [B, maxLength] id matrix, row per prompt. */
    public long[][] encodeBatch(List<String> prompts, int maxLength) {
        long[][] out = new long[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.stream(encodePadded(prompts.get(i), maxLength)).asLongStream().toArray();
        }
        return out;
    }

    private void tokenizeChunk(String chunk, List<Integer> ids) {
        for (String piece : pieces(chunk, fixText)) {
            for (int id : bpe(piece)) {
                ids.add(id);
            }
        }
    }

    /**
     * The pre-tokenisation: fixed (or NFC-normalised) text, whitespace collapsed, lower-cased, split by CLIP's regex. A
     * vocabulary learnt from these pieces ({@link BpeTrainer}) tokenises exactly as it was learnt.
     */
    static List<String> pieces(String chunk, boolean fixText) {
        String t = fixText ? TextFixer.fixText(chunk) : Normalizer.normalize(chunk, Normalizer.Form.NFC);
        t = collapseWhitespace(t).toLowerCase(Locale.ROOT);
        Matcher m = PIECES.matcher(t);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A piece as byte symbols, {@code </w>} on the last: the units BPE merges start from. */
    static List<String> symbols(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<String> word = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            word.add(BYTE_SYMBOLS[b & 0xff]);
        }
        word.set(word.size() - 1, word.get(word.size() - 1) + "</w>");
        return word;
    }

    /** The 256 byte symbols in byte order (GPT-2/CLIP's bytes_to_unicode). */
    static List<String> byteAlphabet() {
        return List.of(BYTE_SYMBOLS);
    }

    /**
     * Text of ids, as transformers' {@code decode}: tokens joined, byte symbols turned back into bytes (UTF-8), each
     * {@code </w>} a space, the result stripped; the start/end tokens (and padding) dropped when {@code skipSpecial}.
     */
    public String decode(int[] ids, boolean skipSpecial) {
        if (inverse == null) {
            Map<Integer, String> inv = new HashMap<>();
            vocab.forEach((k, v) -> inv.put(v, k));
            Map<Character, Integer> bytes = new HashMap<>();
            for (int b = 0; b < 256; b++) {
                bytes.put(BYTE_SYMBOLS[b].charAt(0), b);
            }
            inverse = inv;
            byteOf = bytes;
        }
        StringBuilder tokens = new StringBuilder();
        for (int id : ids) {
            if (skipSpecial && (id == bosId || id == eosId || id == padId)) {
                continue;
            }
            String tok = inverse.get(id);
            if (tok == null) {
                throw new IllegalArgumentException("CLIP tokenizer: id " + id + " is not in the vocabulary");
            }
            tokens.append(tok);
        }
        String joined = tokens.toString().replace("</w>", " ");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            Integer b = c == ' ' ? Integer.valueOf(' ') : byteOf.get(c);
            if (b == null) {
                // special tokens such as <|endoftext|> are plain ASCII: their characters are their own byte symbols
                b = (int) c;
            }
            out.write(b);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8).strip();
    }

    /** Python's {@code re.sub(r"\s+", " ", text).strip()}: runs of str.isspace() characters become one space. */
    static String collapseWhitespace(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean pending = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isPythonSpace(c)) {
                pending = true;
            } else {
                if (pending && sb.length() > 0) {
                    sb.append(' ');
                }
                pending = false;
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Python's str.isspace(), which unlike Java's Character.isWhitespace includes no-break spaces. */
    static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    private int[] bpe(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        List<String> word = symbols(piece);
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < best) {
                    best = r;
                    bestLeft = word.get(i);
                    bestRight = word.get(i + 1);
                }
            }
            if (bestLeft == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(bestLeft) && word.get(i + 1).equals(bestRight)) {
                    merged.add(bestLeft + bestRight);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        int[] ids = new int[word.size()];
        for (int i = 0; i < ids.length; i++) {
            // The reference maps unknown symbols to unk (the end token); with a CLIP vocabulary every byte symbol exists.
            ids[i] = vocab.getOrDefault(word.get(i), eosId);
        }
        cache.put(piece, ids);
        return ids;
    }

    /**
     * GPT-2/CLIP's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68 bytes
     * are mapped to U+0100 onwards in byte order.
     */
    private static String[] byteSymbols() {
        String[] out = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
            out[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + extra++));
        }
        return out;
    }
}
