package org.videoldm.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.videoldm.util.Progress;

/**
 * Procedural dash-cam clips: the built-in dataset for when there are no videos. Clip i is rendered
 * from {@code DrivingScene.random(mix(seed, i))}, so any clip can be made alone, in any order, and
 * comes out the same every time.
 */
public final class SyntheticDriving implements ClipSource {
    /** Frame rate the scene speeds are meant for (0.8-2.6 m per frame: 30-95 km/h). */
    public static final double FPS = 10;
    /** How a procedural folder's manifest names its generator. */
    static final String GENERATOR = "videoldm procedural driving scenes";

    private final int count;
    private final int frames;
    private final int height;
    private final int width;
    private final long seed;

    public SyntheticDriving(int count, int frames, int height, int width, long seed) {
        if (count < 0 || frames < 1 || height < 8 || width < 8) {
            throw new IllegalArgumentException("synthetic driving: need count >= 0, frames >= 1 and at least 8x8 pixels");
        }
        this.count = count;
        this.frames = frames;
        this.height = height;
        this.width = width;
        this.seed = seed;
    }

    /** Frames per clip. */
    public int frames() {
        return frames;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public DrivingScene scene(int index) {
        return DrivingScene.random(sceneSeed(index));
    }

    /** The seed clip {@code index}'s scene (and its caption) is drawn from. */
    public long sceneSeed(int index) {
        return BatchLoader.mix(seed, 0, index);
    }

    /** The caption of clip {@code index}, written from its scene ({@link DrivingSceneCaption}). */
    public String caption(int index) {
        return DrivingSceneCaption.of(scene(index), sceneSeed(index));
    }

    /** The generator a folder was written by (its {@code manifest.json}), or null when the folder is not a procedural one. */
    public static SyntheticDriving fromManifest(Path dir) {
        Path manifest = dir.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        try {
            JsonObject m = com.google.gson.JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
            if (!m.has("generator") || !m.get("generator").getAsString().startsWith(GENERATOR)) {
                return null;
            }
            return new SyntheticDriving(m.get("clips").getAsInt(), m.get("frames").getAsInt(), m.get("height").getAsInt(), m.get("width").getAsInt(),
                    m.get("seed").getAsLong());
        } catch (IOException e) {
            throw new UncheckedIOException(manifest + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(manifest + ": not a readable procedural manifest: " + e.getMessage(), e);
        }
    }

    /** Clip index of a procedural clip's file name ({@code clip_00012.mp4} or the folder {@code clip_00012}), or -1. */
    public static int clipIndex(String fileName) {
        return fileName.matches("clip_\\d{5}(\\.mp4)?") ? Integer.parseInt(fileName.substring(5, 10)) : -1;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String clipId(int index) {
        return clipName(index);
    }

    /** Scenes are not augmented: the seed of each clip already varies everything. */
    @Override
    public Clip clip(int index, long augmentSeed) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("clip " + index + " of " + count);
        }
        return Clip.of(clipName(index), DrivingSceneRenderer.render(scene(index), frames, height, width));
    }

    public static String clipName(int index) {
        return String.format(Locale.ROOT, "clip_%05d", index);
    }

    /** How {@link #writeFolder} stores each clip. */
    public enum Format { MP4, PNG }

    /**
     * Writes every clip (as {@code clip_00000.mp4}, or a folder {@code clip_00000/} of PNG frames
     * with an fps.txt) plus {@code manifest.json} with the seed, sizes and each clip's parameters.
     * Clips are rendered and encoded on {@code threads} threads.
     */
    public void writeFolder(Path dir, Format format, int threads) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create: " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try (Progress bar = Progress.start("synthetic", count)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                jobs.add(pool.submit(() -> {
                    writeClip(dir, index, format);
                    bar.step();
                }));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing synthetic clips", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        writeManifest(dir, format);
    }

    private void writeClip(Path dir, int index, Format format) {
        List<RgbFrame> clip = DrivingSceneRenderer.render(scene(index), frames, height, width);
        String name = clipName(index);
        if (format == Format.MP4) {
            Mp4Writer.write(dir.resolve(name + ".mp4"), clip, FPS);
            return;
        }
        Path folder = dir.resolve(name);
        try {
            Files.createDirectories(folder);
            for (int t = 0; t < clip.size(); t++) {
                ImageIO.write(clip.get(t).toImage(), "png", folder.resolve(String.format(Locale.ROOT, "frame_%03d.png", t)).toFile());
            }
            Files.writeString(folder.resolve(FrameFolder.FPS_FILE), VideoInfo.formatFps(FPS) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write frames: " + e.getMessage(), e);
        }
    }

    private void writeManifest(Path dir, Format format) {
        JsonObject m = new JsonObject();
        m.addProperty("generator", GENERATOR + " v1");
        m.addProperty("seed", seed);
        m.addProperty("clips", count);
        m.addProperty("frames", frames);
        m.addProperty("height", height);
        m.addProperty("width", width);
        m.addProperty("fps", FPS);
        m.addProperty("format", format.name().toLowerCase(Locale.ROOT));
        var gson = new GsonBuilder().serializeSpecialFloatingPointValues().create();
        JsonArray list = new JsonArray();
        for (int i = 0; i < count; i++) {
            JsonObject c = new JsonObject();
            c.addProperty("file", clipName(i) + (format == Format.MP4 ? ".mp4" : "/"));
            c.add("scene", gson.toJsonTree(scene(i)));
            list.add(c);
        }
        m.add("clip_list", list);
        try {
            Files.writeString(dir.resolve("manifest.json"), new GsonBuilder().setPrettyPrinting().create().toJson(m) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write manifest.json: " + e.getMessage(), e);
        }
    }
}
