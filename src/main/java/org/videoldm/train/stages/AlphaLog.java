package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.videoldm.nn.Module;
import org.videoldm.util.AtomicFiles;

/**
 * The learned merge factors of the temporal layers over training, for the notebook's plot: one CSV row per logged
 * step, {@code step} then alpha = sigmoid(mix_factor) of every {@code time_mixer} / mixing layer, named by its path
 * (e.g. {@code input_blocks.1.0.time_mixer}). As with the loss log, rows after a resumed checkpoint's step are dropped.
 */
public final class AlphaLog implements AutoCloseable {
    private final Path path;
    private final List<String> layers;
    private final Map<String, NDArray> factors = new LinkedHashMap<>();
    private BufferedWriter out;

    /** Opens the log for {@code module}'s mix factors, keeping rows up to {@code keepUpTo}. */
    public AlphaLog(Path path, Module module, long keepUpTo) {
        this.path = path;
        module.stateDict().forEach((k, v) -> {
            if (k.endsWith("mix_factor")) {
                factors.put(k.substring(0, k.length() - ".mix_factor".length()), v);
            }
        });
        this.layers = new ArrayList<>(factors.keySet());
        String header = "step," + String.join(",", layers);
        try {
            List<String> keep = new ArrayList<>();
            keep.add(header);
            if (Files.isRegularFile(path)) {
                List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
                if (!lines.isEmpty() && lines.get(0).equals(header)) {
                    for (String line : lines.subList(1, lines.size())) {
                        if (!line.isBlank() && Long.parseLong(line.substring(0, line.indexOf(','))) <= keepUpTo) {
                            keep.add(line);
                        }
                    }
                }
            }
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = AtomicFiles.temp(dir, "." + path.getFileName(), ".tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot open the alpha log: " + e.getMessage(), e);
        }
    }

    public List<String> layers() {
        return layers;
    }

    /** alpha = sigmoid(mix_factor) of every layer now. */
    public double[] alphas() {
        double[] a = new double[layers.size()];
        for (int i = 0; i < a.length; i++) {
            double f = factors.get(layers.get(i)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            a[i] = 1 / (1 + Math.exp(-f));
        }
        return a;
    }

    public void append(long step) {
        StringBuilder sb = new StringBuilder().append(step);
        for (double a : alphas()) {
            sb.append(',').append(String.format(Locale.ROOT, "%.6f", a));
        }
        try {
            out.write(sb.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write the alpha log: " + e.getMessage(), e);
        }
    }

    /** Rows of a log: step, then alpha per layer (in {@link #readLayers} order). */
    public static List<double[]> read(Path path) {
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            List<double[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    String[] f = line.split(",");
                    double[] r = new double[f.length];
                    for (int i = 0; i < f.length; i++) {
                        r[i] = Double.parseDouble(f[i]);
                    }
                    rows.add(r);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read the alpha log: " + e.getMessage(), e);
        }
    }

    /** The layer names of a log's header. */
    public static List<String> readLayers(Path path) {
        try {
            String header = Files.readAllLines(path, StandardCharsets.UTF_8).get(0);
            List<String> names = new ArrayList<>(List.of(header.split(",")));
            names.remove(0);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read the alpha log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close the alpha log: " + e.getMessage(), e);
        }
    }
}
