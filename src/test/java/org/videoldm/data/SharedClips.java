package org.videoldm.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real clips in {@code ../shared/datasets} (next to the project root) and what ffprobe says
 * about each, parsed from the folders' SOURCES.md so the tests check against ffprobe, not us.
 */
final class SharedClips {
    /** ffprobe's facts about one file. */
    record Expected(String file, String container, String codec, String profile, int width, int height, int frames) {}

    private static final Pattern FACTS = Pattern.compile(
            "container `(\\w+)`; video `(\\w+)`\\s*([^;]*);\\s*(\\d+)x(\\d+);.*?;\\s*(\\d+) frames");
    private static final Pattern SECTION = Pattern.compile("^### `([^`]+)`");
    private static final Pattern COPY = Pattern.compile("^- baseline copy `([^`]+)`: (.*)$");

    private SharedClips() {}

    /** {@code shared/datasets} beside the project root, found by walking up from the working folder. */
    static Path root() {
        return org.videoldm.TestPaths.sharedDatasetsOrSkip();
    }

    /** Every documented file (originals and baseline copies) by path. */
    static Map<Path, Expected> expected() {
        Map<Path, Expected> out = new LinkedHashMap<>();
        for (String group : new String[] {"driving", "nondriving"}) {
            Path dir = root().resolve(group);
            String section = null;
            try {
                for (String line : Files.readAllLines(dir.resolve("SOURCES.md"))) {
                    Matcher s = SECTION.matcher(line);
                    if (s.find()) {
                        section = s.group(1);
                        continue;
                    }
                    Matcher c = COPY.matcher(line);
                    if (c.find()) {
                        put(out, dir, c.group(1), c.group(2));
                    } else if (section != null && line.startsWith("- ffprobe: ")) {
                        put(out, dir, section, line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static void put(Map<Path, Expected> out, Path dir, String file, String facts) {
        Matcher m = FACTS.matcher(facts);
        if (!m.find()) {
            throw new IllegalStateException("cannot parse ffprobe facts for " + file + ": " + facts);
        }
        out.put(dir.resolve(file), new Expected(file, m.group(1), m.group(2), m.group(3).strip(),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))));
    }
}
