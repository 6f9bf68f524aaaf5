package org.videoldm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.util.Progress;

/**
 * Encodes a clip dataset once and stores the latents in safetensors shards, so that training the
 * temporal layers never runs the encoder again. Each shard holds {@code latents [n, T, C, h, w]}
 * float32 as the encoder returned them (unscaled) and, in its metadata, the scale factor, the
 * encoder's description and the ids of its clips; {@code latents.json} lists the shards.
 */
public final class LatentCache {
    public static final String TENSOR = "latents";
    public static final String INDEX = "latents.json";
    public static final String FORMAT = "videoldm-latent-shards-v1";
    /**
     * Clips are taken with this augmentation seed: a cache freezes one crop and flip per clip, so
     * cache a source without random augmentation (such as a validation split) when that matters.
     */
    public static final long AUGMENT_SEED = 0;

    private LatentCache() {}

    /**
     * @param clipsPerShard clips per safetensors file
     * @param batchClips clips encoded together (their frames form one batch)
     * @param manager parent of the per-batch sub-managers; nothing is left in it
     * @return the index file
     */
    public static Path write(ClipSource source, LatentEncoder encoder, Path dir, int clipsPerShard, int batchClips, NDManager manager) {
        if (clipsPerShard < 1 || batchClips < 1) {
            throw new IllegalArgumentException("clips per shard and batch size must be positive");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create: " + e.getMessage(), e);
        }
        int n = source.size();
        JsonArray shards = new JsonArray();
        long[] clipShape = null;
        try (Progress bar = Progress.start("encode", n)) {
            for (int from = 0, s = 0; from < n; from += clipsPerShard, s++) {
                int to = Math.min(n, from + clipsPerShard);
                List<String> ids = new ArrayList<>();
                try (NDManager shard = manager.newSubManager()) {
                    List<NDArray> parts = new ArrayList<>();
                    for (int b = from; b < to; b += batchClips) {
                        List<Clip> clips = new ArrayList<>();
                        for (int i = b; i < Math.min(to, b + batchClips); i++) {
                            Clip c = source.clip(i, AUGMENT_SEED);
                            clips.add(c);
                            ids.add(c.id());
                        }
                        parts.add(encodeBatch(clips, encoder, shard));
                        bar.stepBy(clips.size());
                    }
                    NDArray latents = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
                    clipShape = java.util.Arrays.copyOfRange(latents.getShape().getShape(), 1, 5);
                    String file = String.format(Locale.ROOT, "latents-%05d.safetensors", s);
                    SafetensorsWriter.write(dir.resolve(file), Map.of(TENSOR, latents), metadata(encoder, ids));
                    JsonObject entry = new JsonObject();
                    entry.addProperty("file", file);
                    entry.addProperty("clips", ids.size());
                    shards.add(entry);
                }
            }
        }
        return writeIndex(dir, encoder, n, clipShape, shards);
    }

    /** Encodes clips as frames-inner {@code (b t) c h w} and returns {@code [b, T, C, h, w]} float32 in {@code keep}. */
    private static NDArray encodeBatch(List<Clip> clips, LatentEncoder encoder, NDManager keep) {
        try (NDManager step = keep.newSubManager()) {
            NDArray frames = VideoTensors.framesInner(VideoTensors.toTensor(step, clips));
            NDArray z = encoder.encode(frames);
            if (z.getShape().dimension() != 4 || z.getShape().get(0) != frames.getShape().get(0)) {
                throw new IllegalStateException(encoder.describe() + ": encode(" + frames.getShape() + ") returned " + z.getShape()
                        + "; expected [" + frames.getShape().get(0) + ", C, h, w]");
            }
            NDArray videos = VideoTensors.videosOf(z, clips.get(0).frames()).toType(DataType.FLOAT32, true);
            videos.attach(keep);
            return videos;
        }
    }

    private static Map<String, String> metadata(LatentEncoder encoder, List<String> ids) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("scale_factor", Float.toString(encoder.scaleFactor()));
        m.put("scaled", "false");
        m.put("encoder", encoder.describe());
        m.put("clip_ids", new Gson().toJson(ids));
        return m;
    }

    private static Path writeIndex(Path dir, LatentEncoder encoder, int n, long[] clipShape, JsonArray shards) {
        JsonObject index = new JsonObject();
        index.addProperty("format", FORMAT);
        index.addProperty("scale_factor", encoder.scaleFactor());
        index.addProperty("encoder", encoder.describe());
        index.addProperty("clips", n);
        JsonArray shape = new JsonArray();
        if (clipShape != null) {
            for (long d : clipShape) {
                shape.add(d);
            }
        }
        index.add("clip_shape", shape);
        index.add("shards", shards);
        Path file = dir.resolve(INDEX);
        try {
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
        return file;
    }
}
