package org.videoldm.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.videoldm.util.AtomicFiles;

/**
 * The training curve as CSV, one row per optimizer step ({@code step,loss,lr,grad_norm,it_per_s,elapsed_s}), for
 * notebooks to plot. Rows are flushed as they are written; on resume, rows after the checkpoint's step are
 * dropped so the log never holds a step twice.
 */
public final class LossLog implements AutoCloseable {
    public static final String HEADER = "step,loss,lr,grad_norm,it_per_s,elapsed_s";

    /** One logged step. */
    public record Row(long step, double loss, double lr, double gradNorm, double itPerSecond, double elapsedSeconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.8g,%.8g,%.6g,%.4f,%.3f", step, loss, lr, gradNorm, itPerSecond, elapsedSeconds);
        }
    }

    private final Path path;
    private BufferedWriter out;

    /** Opens the log, keeping only rows with step <= {@code keepUpTo} (all rows are dropped for a fresh run, keepUpTo 0). */
    public LossLog(Path path, long keepUpTo) {
        this.path = path;
        try {
            List<String> keep = new ArrayList<>();
            keep.add(HEADER);
            if (Files.isRegularFile(path)) {
                for (Row r : read(path)) {
                    if (r.step() <= keepUpTo) {
                        keep.add(r.csv());
                    }
                }
            }
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = AtomicFiles.temp(parent, "." + path.getFileName(), ".tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot open the loss log: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public void append(Row row) {
        try {
            out.write(row.csv());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write the loss log: " + e.getMessage(), e);
        }
    }

    /** Reads a log written by this class. */
    public static List<Row> read(Path path) {
        List<Row> rows = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read the loss log: " + e.getMessage(), e);
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 6) {
                throw new IllegalArgumentException(path + ": line " + (i + 1) + " has " + f.length + " fields, expected 6 (" + HEADER + ")");
            }
            rows.add(new Row(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
        return rows;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close the loss log: " + e.getMessage(), e);
        }
    }
}
