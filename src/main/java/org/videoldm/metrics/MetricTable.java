package org.videoldm.metrics;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.videoldm.util.AtomicFiles;

/** A list of metric results as a console table, CSV and JSON (the notebooks read the latter two). */
public final class MetricTable {
    private static final String[] HEADER = {"metric", "value", "std", "generated", "real", "clip_length", "detector"};

    private MetricTable() {}

    public static String format(List<MetricResult> rows) {
        String[][] cells = new String[rows.size() + 1][];
        cells[0] = HEADER;
        for (int i = 0; i < rows.size(); i++) {
            MetricResult r = rows.get(i);
            cells[i + 1] = new String[] {r.metric(), num(r.value()), Double.isNaN(r.std()) ? "" : num(r.std()),
                Integer.toString(r.generatedCount()), Integer.toString(r.realCount()), Integer.toString(r.clipLength()), r.detector()};
        }
        int[] width = new int[HEADER.length];
        for (String[] row : cells) {
            for (int j = 0; j < row.length; j++) {
                width[j] = Math.max(width[j], row[j].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            for (int j = 0; j < HEADER.length; j++) {
                String c = cells[i][j];
                boolean right = j >= 1 && j <= 5;
                sb.append(right ? " ".repeat(width[j] - c.length()) + c : c + " ".repeat(width[j] - c.length()));
                sb.append(j + 1 < HEADER.length ? "  " : "");
            }
            sb.append('\n');
            if (i == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append("-".repeat(total - 2)).append('\n');
            }
        }
        return sb.toString();
    }

    public static String csv(List<MetricResult> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", HEADER)).append('\n');
        for (MetricResult r : rows) {
            sb.append(quote(r.metric())).append(',').append(num(r.value())).append(',').append(Double.isNaN(r.std()) ? "" : num(r.std()))
                    .append(',').append(r.generatedCount()).append(',').append(r.realCount()).append(',').append(r.clipLength())
                    .append(',').append(quote(r.detector())).append('\n');
        }
        return sb.toString();
    }

    public static String json(List<MetricResult> rows, JsonObject settings) {
        JsonObject root = new JsonObject();
        root.add("settings", settings);
        JsonArray arr = new JsonArray();
        for (MetricResult r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("metric", r.metric());
            o.addProperty("value", r.value());
            if (!Double.isNaN(r.std())) {
                o.addProperty("std", r.std());
            }
            o.addProperty("generated", r.generatedCount());
            o.addProperty("real", r.realCount());
            o.addProperty("clip_length", r.clipLength());
            o.addProperty("detector", r.detector());
            arr.add(o);
        }
        root.add("metrics", arr);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create().toJson(root);
    }

    /** Writes {@code base}.csv and {@code base}.json, each through a temporary file and a rename. */
    public static void write(Path base, List<MetricResult> rows, JsonObject settings) {
        writeAtomically(base.resolveSibling(base.getFileName() + ".csv"), csv(rows));
        writeAtomically(base.resolveSibling(base.getFileName() + ".json"), json(rows, settings));
    }

    static void writeAtomically(Path target, String text) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = AtomicFiles.temp(parent, target.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
