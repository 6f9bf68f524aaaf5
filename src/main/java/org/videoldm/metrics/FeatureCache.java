package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;

/**
 * Detector features per video on disk, so re-evaluating the same videos is fast: one
 * {@code <key>.features.safetensors} per (file content, detector, clip settings), holding a float64
 * {@code features} [clips, D] tensor. The key hashes the file's bytes, so a renamed file still hits and
 * an overwritten one misses.
 */
public final class FeatureCache {
    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** SHA-256 of the file content, the detector name and the settings string. */
    public static String key(Path video, String detector, String settings) {
        try {
            MessageDigest content = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(video)) {
                // A folder of frames: hash its sorted file names and sizes.
                try (var s = Files.list(video)) {
                    for (Path p : s.sorted().toList()) {
                        content.update((p.getFileName() + ":" + Files.size(p) + ";").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            } else {
                try (InputStream in = Files.newInputStream(video)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        content.update(buf, 0, n);
                    }
                }
            }
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            all.update(content.digest());
            all.update(("|" + detector + "|" + settings).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(all.digest(), 0, 16);
        } catch (IOException e) {
            throw new IllegalArgumentException(video + ": cannot read for the feature cache: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path file(String key) {
        return dir.resolve(key + ".features.safetensors");
    }

    public Optional<double[][]> get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (SafetensorsFile sf = SafetensorsFile.open(f); NDManager m = NDManager.newBaseManager()) {
            NDArray a = sf.get("features", m);
            int rows = (int) a.getShape().get(0);
            double[][] out = new double[rows][];
            if (rows > 0) {
                FeatureExtractor.copyRows(a, out, 0);
            }
            return Optional.of(out);
        } catch (RuntimeException e) {
            // A damaged cache entry is recomputed, not fatal.
            return Optional.empty();
        }
    }

    public void put(String key, double[][] rows, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": cannot create the feature cache folder: " + e.getMessage(), e);
        }
        int d = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(flat, new ai.djl.ndarray.types.Shape(rows.length, d)).toType(DataType.FLOAT64, false);
            SafetensorsWriter.write(file(key), Map.of("features", a), metadata);
        }
    }
}
