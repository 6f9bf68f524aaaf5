package org.videoldm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training data named by a short spec: one source or several joined by {@code +}, each {@code synthetic} (the
 * procedural driving scenes) or a folder of videos, optionally with its share of the samples after {@code =}:
 * {@code synthetic=0.5+../shared/datasets/driving=0.5}. Sources without a share split what the others leave equally.
 * A source's clips are grouped under its folder's name (the first part of their ids), and sampling gives each group its
 * share and each video of a group the same weight ({@link SamplingWeights}).
 */
public record DataSpec(List<Source> sources) {
    /** One source: its spec ({@code synthetic} or a folder) and share (NaN: an equal part of the rest). */
    public record Source(String spec, double share) {}

    public DataSpec {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("data: no source given");
        }
    }

    public static DataSpec parse(String spec) {
        String s = spec == null || spec.isBlank() ? DataSources.SYNTHETIC : spec.trim();
        List<Source> out = new ArrayList<>();
        for (String part : s.split("\\+")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("data '" + spec + "': an empty source between '+' signs");
            }
            int eq = p.lastIndexOf('=');
            double share = Double.NaN;
            if (eq > 0) {
                try {
                    share = Double.parseDouble(p.substring(eq + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("data '" + spec + "': the share after '=' in '" + p + "' is not a number");
                }
                if (!(share > 0)) {
                    throw new IllegalArgumentException("data '" + spec + "': shares must be positive, got " + share + " in '" + p + "'");
                }
                p = p.substring(0, eq).trim();
            }
            out.add(new Source(p, share));
        }
        return new DataSpec(out);
    }

    /** The folders of the sources (rendering the synthetic set on first use), in spec order. */
    public List<Path> resolve(Path projectRoot, DataSources.Synthetic synthetic) {
        List<Path> dirs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Source src : sources) {
            Path d = DataSources.resolve(src.spec(), projectRoot, synthetic);
            String name = d.getFileName().toString();
            if (names.contains(name)) {
                throw new IllegalArgumentException("data: two sources are folders named '" + name + "'; their clips would not be told apart");
            }
            names.add(name);
            dirs.add(d);
        }
        return dirs;
    }

    /** Each group's share of the samples (summing to 1), by folder name, for {@code dirs} as {@link #resolve} gave them. */
    public Map<String, Double> shares(List<Path> dirs) {
        double given = 0;
        int unset = 0;
        for (Source src : sources) {
            if (Double.isNaN(src.share())) {
                unset++;
            } else {
                given += src.share();
            }
        }
        if (unset > 0 && given >= 1) {
            throw new IllegalArgumentException("data: the given shares add up to " + given + ", leaving nothing for the " + unset + " source(s) without one");
        }
        double rest = unset > 0 ? (1 - given) / unset : 0;
        double total = unset > 0 ? 1 : given;
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            double share = Double.isNaN(sources.get(i).share()) ? rest : sources.get(i).share();
            out.put(dirs.get(i).getFileName().toString(), share / total);
        }
        return out;
    }

    /** The spec as given (for cards and fingerprints). */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Source s : sources) {
            parts.add(Double.isNaN(s.share()) ? s.spec() : String.format(Locale.ROOT, "%s=%s", s.spec(), s.share()));
        }
        return String.join("+", parts);
    }
}
