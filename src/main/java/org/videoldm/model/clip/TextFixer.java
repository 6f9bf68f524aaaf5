package org.videoldm.model.clip;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of ftfy's {@code fix_text} (6.x defaults) that change prompts in practice, which the
 * reference CLIP tokenizer applies before anything else: HTML entities unescaped (only when the text
 * has no '<', as ftfy's "auto" rule), terminal escapes removed, simple UTF-8-read-as-Windows-1252
 * mojibake repaired, C1 controls read as Windows-1252, Latin
 * ligatures and full-width forms replaced, curly quotes straightened, line breaks unified, control
 * characters removed, then NFC.
 *
 * <p>Not implemented: ftfy's full mojibake detector (its "badness" heuristics over many encodings,
 * Latin-1/MacRoman/cp437 sources, partial repairs), byte 0xA0 restoration and surrogate repairs; text
 * that needs those comes out unchanged here.
 */
public final class TextFixer {
    private TextFixer() {}

    private static final Pattern ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,8};");
    private static final Pattern SINGLE_QUOTES = Pattern.compile("[\u02bc\u2018-\u201b]");
    private static final Pattern DOUBLE_QUOTES = Pattern.compile("[\u201c-\u201f]");
    private static final Pattern TERMINAL_ESCAPES = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");
    private static final Pattern LINE_BREAKS = Pattern.compile("\r\n|[\r\u2028\u2029\u0085]");
    /** Characters that look like UTF-8 lead bytes read as Windows-1252, followed by continuation-byte lookalikes. */
    private static final Pattern MOJIBAKE_HINT = Pattern.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]");

    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"), Map.entry("reg", "\u00ae"),
            Map.entry("trade", "\u2122"), Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"),
            Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"),
            Map.entry("laquo", "\u00ab"), Map.entry("raquo", "\u00bb"), Map.entry("deg", "\u00b0"), Map.entry("middot", "\u00b7"),
            Map.entry("times", "\u00d7"), Map.entry("divide", "\u00f7"), Map.entry("euro", "\u20ac"), Map.entry("pound", "\u00a3"),
            Map.entry("yen", "\u00a5"), Map.entry("cent", "\u00a2"), Map.entry("sect", "\u00a7"), Map.entry("para", "\u00b6"),
            Map.entry("eacute", "\u00e9"), Map.entry("egrave", "\u00e8"), Map.entry("ecirc", "\u00ea"), Map.entry("euml", "\u00eb"),
            Map.entry("aacute", "\u00e1"), Map.entry("agrave", "\u00e0"), Map.entry("acirc", "\u00e2"), Map.entry("auml", "\u00e4"),
            Map.entry("aring", "\u00e5"), Map.entry("atilde", "\u00e3"), Map.entry("aelig", "\u00e6"), Map.entry("ccedil", "\u00e7"),
            Map.entry("iacute", "\u00ed"), Map.entry("igrave", "\u00ec"), Map.entry("icirc", "\u00ee"), Map.entry("iuml", "\u00ef"),
            Map.entry("oacute", "\u00f3"), Map.entry("ograve", "\u00f2"), Map.entry("ocirc", "\u00f4"), Map.entry("ouml", "\u00f6"),
            Map.entry("otilde", "\u00f5"), Map.entry("oslash", "\u00f8"), Map.entry("uacute", "\u00fa"), Map.entry("ugrave", "\u00f9"),
            Map.entry("ucirc", "\u00fb"), Map.entry("uuml", "\u00fc"), Map.entry("ntilde", "\u00f1"), Map.entry("szlig", "\u00df"),
            Map.entry("Eacute", "\u00c9"), Map.entry("Auml", "\u00c4"), Map.entry("Ouml", "\u00d6"), Map.entry("Uuml", "\u00dc"),
            Map.entry("Ntilde", "\u00d1"), Map.entry("Ccedil", "\u00c7"), Map.entry("iexcl", "\u00a1"), Map.entry("iquest", "\u00bf"),
            Map.entry("bull", "\u2022"), Map.entry("prime", "\u2032"), Map.entry("Prime", "\u2033"), Map.entry("frac12", "\u00bd"),
            Map.entry("frac14", "\u00bc"), Map.entry("frac34", "\u00be"), Map.entry("plusmn", "\u00b1"), Map.entry("micro", "\u00b5"));

    private static final Map<Character, String> LIGATURES = Map.ofEntries(
            Map.entry('\u0132', "IJ"), Map.entry('\u0133', "ij"), Map.entry('\u0149', "\u02bcn"), Map.entry('\u01c4', "D\u017d"),
            Map.entry('\u01c5', "D\u017e"), Map.entry('\u01c6', "d\u017e"), Map.entry('\u01c7', "LJ"), Map.entry('\u01c8', "Lj"),
            Map.entry('\u01c9', "lj"), Map.entry('\u01ca', "NJ"), Map.entry('\u01cb', "Nj"), Map.entry('\u01cc', "nj"),
            Map.entry('\u01f1', "DZ"), Map.entry('\u01f2', "Dz"), Map.entry('\u01f3', "dz"), Map.entry('\ufb00', "ff"),
            Map.entry('\ufb01', "fi"), Map.entry('\ufb02', "fl"), Map.entry('\ufb03', "ffi"), Map.entry('\ufb04', "ffl"),
            Map.entry('\ufb05', "\u017ft"), Map.entry('\ufb06', "st"));

    public static String fixText(String text) {
        String t = text;
        if (t.indexOf('<') < 0) {
            t = unescapeHtml(t);
        }
        t = TERMINAL_ESCAPES.matcher(t).replaceAll("");
        t = fixMojibake(t);
        t = fixC1Controls(t);
        t = fixLigaturesAndWidth(t);
        t = SINGLE_QUOTES.matcher(t).replaceAll("'");
        t = DOUBLE_QUOTES.matcher(t).replaceAll("\"");
        t = LINE_BREAKS.matcher(t).replaceAll("\n");
        t = removeControlChars(t);
        return Normalizer.normalize(t, Normalizer.Form.NFC);
    }

    static String unescapeHtml(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String body = m.group().substring(1, m.group().length() - 1);
            String rep = null;
            try {
                if (body.startsWith("#x") || body.startsWith("#X")) {
                    rep = new String(Character.toChars(Integer.parseInt(body.substring(2), 16)));
                } else if (body.startsWith("#")) {
                    rep = new String(Character.toChars(Integer.parseInt(body.substring(1))));
                } else {
                    rep = ENTITIES.get(body);
                    if (rep == null && body.equals(body.toUpperCase(java.util.Locale.ROOT))) {
                        // ftfy also accepts upper-case spellings such as &AMP;
                        rep = ENTITIES.get(body.toLowerCase(java.util.Locale.ROOT));
                    }
                }
            } catch (IllegalArgumentException e) {
                rep = null;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(rep == null ? m.group() : rep));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Re-reads text as Windows-1252 bytes decoded as UTF-8 when that is lossless and valid, as ftfy's simplest fix does. */
    static String fixMojibake(String text) {
        if (!MOJIBAKE_HINT.matcher(text).find()) {
            return text;
        }
        try {
            Charset cp1252 = Charset.forName("windows-1252");
            ByteBuffer bytes = cp1252.newEncoder().onUnmappableCharacter(CodingErrorAction.REPORT)
                    .onMalformedInput(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            CharBuffer fixed = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return fixed.toString();
        } catch (CharacterCodingException | RuntimeException e) {
            return text;
        }
    }

    /** C1 control characters left in the text stand for the Windows-1252 characters of the same byte (ftfy's fix_c1_controls). */
    static String fixC1Controls(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9f) {
                if (sb == null) {
                    sb = new StringBuilder(text.substring(0, i));
                }
                String w = new String(new byte[] {(byte) c}, Charset.forName("windows-1252"));
                // Bytes Windows-1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) stay as they are.
                sb.append(w.charAt(0) == '\ufffd' ? String.valueOf(c) : w);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String fixLigaturesAndWidth(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String lig = LIGATURES.get(c);
            if (lig != null) {
                sb.append(lig);
            } else if (c == '\u3000') {
                sb.append(' ');
            } else if (c >= '\uff01' && c <= '\uffef') {
                // ftfy's width map: each full-width or half-width form that NFKC changes becomes its NFKC form.
                sb.append(Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String removeControlChars(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !isRemovedControl(cp)).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** ftfy's CONTROL_CHARS: C0 controls except tab, LF, FF, CR; DEL; deprecated format chars; BOM; interlinear annotations; tag characters. */
    private static boolean isRemovedControl(int cp) {
        return (cp <= 0x08) || cp == 0x0b || (cp >= 0x0e && cp <= 0x1f) || cp == 0x7f
                || (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffc)
                || (cp >= 0xe0000 && cp <= 0xe007f);
    }
}
