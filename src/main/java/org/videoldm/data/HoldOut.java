package org.videoldm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which material is held out from training, by rules on video ids ({@code folder/file}, as a scan names them), the
 * first matching rule deciding:
 *
 * <pre>
 * whole driving/yolop_input*        # every clip of these videos is for validation (a drive never trained on)
 * tail 0.3 driving/udacity_*        # the last 30% of each such video is for validation; clips across the cut are dropped
 * fraction 0.15 synthetic/*         # a seeded 15% of these videos, whole, for validation
 * train driving/*                   # all of these for training
 * </pre>
 *
 * Videos no rule matches are split as before: a seeded share of whole videos ({@link ClipOptions#validationFraction()}).
 * {@code *} matches any characters, {@code /} included; {@code #} starts a comment.
 */
public final class HoldOut {
    /** One rule: what it does, to which videos. */
    public record Rule(Kind kind, double fraction, String glob, Pattern pattern) {
        boolean matches(String videoId) {
            return pattern.matcher(videoId).matches();
        }

        @Override
        public String toString() {
            return switch (kind) {
                case WHOLE -> "whole " + glob;
                case TRAIN -> "train " + glob;
                case TAIL -> String.format(Locale.ROOT, "tail %s %s", fraction, glob);
                case FRACTION -> String.format(Locale.ROOT, "fraction %s %s", fraction, glob);
            };
        }
    }

    public enum Kind { WHOLE, TAIL, FRACTION, TRAIN }

    private final List<Rule> rules;
    private final String source;

    private HoldOut(List<Rule> rules, String source) {
        this.rules = List.copyOf(rules);
        this.source = source;
    }

    /** No rules: every video split by the options' validation fraction. */
    public static HoldOut none() {
        return new HoldOut(List.of(), "");
    }

    public static HoldOut parse(String text, String where) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            String at = where + ":" + (i + 1) + ": ";
            try {
                Kind kind = Kind.valueOf(w[0].toUpperCase(Locale.ROOT));
                boolean hasFraction = kind == Kind.TAIL || kind == Kind.FRACTION;
                if (w.length != (hasFraction ? 3 : 2)) {
                    throw new IllegalArgumentException(at + "expected '" + w[0] + (hasFraction ? " FRACTION" : "") + " GLOB', got '" + line + "'");
                }
                double f = hasFraction ? Double.parseDouble(w[1]) : 0;
                if (hasFraction && !(f > 0 && f < 1)) {
                    throw new IllegalArgumentException(at + "the fraction must be between 0 and 1, got " + w[1]);
                }
                String glob = w[w.length - 1];
                rules.add(new Rule(kind, f, glob, toPattern(glob)));
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(at)) {
                    throw e;
                }
                throw new IllegalArgumentException(at + "unknown rule '" + w[0] + "' (whole, tail, fraction, train) or bad number in '" + line + "'");
            }
        }
        return new HoldOut(rules, text);
    }

    public static HoldOut read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the hold-out rules: " + e.getMessage(), e);
        }
    }

    private static Pattern toPattern(String glob) {
        List<String> parts = new ArrayList<>();
        for (String part : glob.split("\\*", -1)) {
            parts.add(Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", parts));
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules' text (for fingerprints of caches made under them). */
    public String text() {
        return source;
    }

    /** The first rule matching {@code videoId}, or null. */
    public Rule ruleFor(String videoId) {
        for (Rule r : rules) {
            if (r.matches(videoId)) {
                return r;
            }
        }
        return null;
    }
}
