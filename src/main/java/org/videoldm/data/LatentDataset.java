package org.videoldm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.videoldm.io.SafetensorsDType;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.TensorInfo;

/**
 * The clips of a {@link LatentCache}, read straight from the memory-mapped shards: random access
 * by clip, batches in the caller's manager, a seeded order per epoch.
 */
public final class LatentDataset implements AutoCloseable {
    private final List<SafetensorsFile> files = new ArrayList<>();
    private final List<ByteBuffer> data = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final int[] shardOf;
    private final int[] rowOf;
    private final float scaleFactor;
    private final String encoder;
    private final long[] clipShape;
    private final int clipBytes;

    private LatentDataset(Path dir) {
        Path indexFile = dir.resolve(LatentCache.INDEX);
        JsonObject index;
        try {
            index = JsonParser.parseString(Files.readString(indexFile)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(indexFile + ": cannot read the latent cache index: " + e.getMessage(), e);
        }
        if (!LatentCache.FORMAT.equals(index.get("format").getAsString())) {
            throw new IllegalArgumentException(indexFile + ": not a " + LatentCache.FORMAT + " index");
        }
        this.scaleFactor = index.get("scale_factor").getAsFloat();
        this.encoder = index.get("encoder").getAsString();
        this.clipShape = index.getAsJsonArray("clip_shape").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
        int n = index.get("clips").getAsInt();
        this.shardOf = new int[n];
        this.rowOf = new int[n];
        this.clipBytes = (int) (Arrays.stream(clipShape).reduce(1, (a, b) -> a * b) * Float.BYTES);
        try {
            for (JsonElement e : index.getAsJsonArray("shards")) {
                openShard(dir.resolve(e.getAsJsonObject().get("file").getAsString()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (ids.size() != n) {
            close();
            throw new IllegalStateException(indexFile + ": index promises " + n + " clips, shards hold " + ids.size());
        }
    }

    public static LatentDataset open(Path dir) {
        return new LatentDataset(dir);
    }

    private void openShard(Path path) {
        SafetensorsFile f = SafetensorsFile.open(path);
        files.add(f);
        TensorInfo info = f.info(LatentCache.TENSOR);
        long[] shape = info.shape().getShape();
        if (info.dtype() != SafetensorsDType.F32 || shape.length != 5 || !Arrays.equals(Arrays.copyOfRange(shape, 1, 5), clipShape)) {
            throw new IllegalStateException(path + ": expected float32 latents [n, " + Arrays.toString(clipShape).replaceAll("[\\[\\]]", "") + "], found " + info.dtype() + " " + info.shape());
        }
        float fileScale = Float.parseFloat(f.metadata().get("scale_factor"));
        if (fileScale != scaleFactor) {
            throw new IllegalStateException(path + ": scale factor " + fileScale + " differs from the index's " + scaleFactor);
        }
        List<String> shardIds = JsonParser.parseString(f.metadata().get("clip_ids")).getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList();
        if (shardIds.size() != shape[0]) {
            throw new IllegalStateException(path + ": " + shape[0] + " latents but " + shardIds.size() + " clip ids");
        }
        for (int row = 0; row < shardIds.size(); row++) {
            shardOf[ids.size()] = files.size() - 1;
            rowOf[ids.size()] = row;
            ids.add(shardIds.get(row));
        }
        data.add(f.bytes(LatentCache.TENSOR));
    }

    public int size() {
        return ids.size();
    }

    public String clipId(int i) {
        return ids.get(i);
    }

    public float scaleFactor() {
        return scaleFactor;
    }

    public String encoder() {
        return encoder;
    }

    /** {@code [T, C, h, w]} of every clip. */
    public Shape clipShape() {
        return new Shape(clipShape);
    }

    /** Clip i's latents {@code [T, C, h, w]}, unscaled. */
    public NDArray get(int i, NDManager manager) {
        return batch(new int[] {i}, manager).squeeze(0);
    }

    /** Latents of the given clips {@code [B, T, C, h, w]}, unscaled, in {@code manager}. */
    public NDArray batch(int[] indices, NDManager manager) {
        ByteBuffer out = ByteBuffer.allocateDirect(indices.length * clipBytes).order(ByteOrder.nativeOrder());
        for (int i : indices) {
            ByteBuffer src = data.get(shardOf[i]).duplicate();
            src.position(rowOf[i] * clipBytes).limit((rowOf[i] + 1) * clipBytes);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                out.put(src);
            } else {
                src.order(ByteOrder.LITTLE_ENDIAN);
                while (src.hasRemaining()) {
                    out.putFloat(src.getFloat());
                }
            }
        }
        out.flip();
        long[] shape = new long[5];
        shape[0] = indices.length;
        System.arraycopy(clipShape, 0, shape, 1, 4);
        return manager.create(out, new Shape(shape), DataType.FLOAT32);
    }

    /** {@link #batch} multiplied by the scale factor: what the diffusion model trains on. */
    public NDArray scaledBatch(int[] indices, NDManager manager) {
        return batch(indices, manager).muli(scaleFactor);
    }

    /** Clip indices in a seeded order for one epoch. */
    public int[] order(long seed, int epoch) {
        int[] idx = new int[size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(BatchLoader.mix(seed, epoch, -1));
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    @Override
    public void close() {
        data.clear();
        for (SafetensorsFile f : files) {
            f.close();
        }
        files.clear();
    }
}
