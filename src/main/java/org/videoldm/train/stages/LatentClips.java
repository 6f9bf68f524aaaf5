package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.ClipSource;
import org.videoldm.data.HoldOut;
import org.videoldm.data.LatentCache;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.LatentEncoder;
import org.videoldm.data.VideoInfo;
import org.videoldm.data.VideoReader;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.util.Seeds;

/**
 * Latent caches of clips other than the base model's (those are {@link LatentCaching}'s): longer windows at a
 * higher rate for the interpolation model, and the upsampler's latents with its low-resolution frames, clip for
 * clip. A cache is made once under the run folder and reused while the same data, clip options and encoder are
 * asked for (a fingerprint file records them; anything else rebuilds it).
 */
public final class LatentClips {
    static final String FINGERPRINT = "fingerprint.txt";

    private LatentClips() {}

    /** What a cache is of: the data folders, the hold-out rules, the clip options and which videos were used. */
    public record Source(List<Path> dataDirs, HoldOut holdOut, ClipOptions options, String videoFilter) {
        String fingerprint(LatentEncoder encoder) {
            List<String> dirs = dataDirs.stream().map(d -> d.toAbsolutePath().normalize().toString()).toList();
            return "data " + String.join(" + ", dirs) + "\nholdout " + holdOut.rules() + "\noptions " + options + "\nvideos " + videoFilter
                    + "\nencoder " + encoder.describe() + "\n";
        }

        String describe() {
            return dataDirs.size() == 1 ? dataDirs.get(0).toString() : dataDirs.toString();
        }
    }

    /** Every decodable video of the folders (undecodable ones are reported and skipped). */
    public static VideoScan.Result scan(List<Path> dataDirs) {
        return VideoScan.scan(VideoReader.standard(), dataDirs, org.videoldm.data.VideoScan.WARN_ONCE);
    }

    /** The clip dataset of a source; videos failing the filter are left out before the train/validation split. */
    public static ClipDataset dataset(Source source, VideoScan.Result scan, Predicate<VideoInfo> videos) {
        List<VideoScan.Entry> kept = new ArrayList<>();
        for (VideoScan.Entry e : scan.videos()) {
            if (videos.test(e.info())) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(source.describe() + ": no usable videos (" + scan.videos().size() + " found; " + source.videoFilter() + ")");
        }
        ClipDataset ds = ClipDataset.of(source.options(), source.holdOut(), new VideoScan.Result(kept, scan.skipped()), VideoReader.standard(),
                org.videoldm.data.VideoScan.WARN_ONCE);
        if (ds.train().size() == 0) {
            throw new IllegalArgumentException(source.describe() + ": no training clips of " + source.options().frames() + " frames (" + ds.summary().trim() + ")");
        }
        return ds;
    }

    /** Each clip with a crop and flip of its own, drawn from (seed, clip index): the cache keeps that one view. */
    public static ClipSource perClipAugmentation(ClipSource source, long seed) {
        return new ClipSource() {
            @Override
            public int size() {
                return source.size();
            }

            @Override
            public String clipId(int index) {
                return source.clipId(index);
            }

            @Override
            public Clip clip(int index, long augmentSeed) {
                return source.clip(index, Seeds.derive(seed, 0xCAC4E, index));
            }
        };
    }

    /**
     * Opens the cache in {@code dir}, first encoding {@code clips} unless a cache of the same fingerprint is there.
     * A new cache is written to a sibling folder and renamed into place.
     */
    public static LatentDataset open(Path dir, Source source, ClipSource clips, LatentEncoder encoder, NDManager manager) {
        String fp = source.fingerprint(encoder);
        try {
            if (Files.isRegularFile(dir.resolve(FINGERPRINT)) && Files.readString(dir.resolve(FINGERPRINT)).equals(fp)
                    && Files.isRegularFile(dir.resolve(LatentCache.INDEX))) {
                return LatentDataset.open(dir);
            }
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + "-");
            LatentCache.write(clips, encoder, tmp, 256, 4, manager);
            Files.writeString(tmp.resolve(FINGERPRINT), fp);
            if (Files.exists(dir)) {
                deleteCache(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return LatentDataset.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the latent cache: " + e.getMessage(), e);
        }
    }

    private static void deleteCache(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (!(name.startsWith("latents") || name.equals(FINGERPRINT))) {
                    throw new IOException("refusing to replace " + dir + ": it holds " + name + ", which is not part of a latent cache");
                }
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Low-resolution frames on a latent grid as the "latents" of a cache, so that an upsampler's conditioning is
     * stored clip for clip next to the latents of the same clips: RGB area-averaged by {@code factor}, scale 1.
     */
    public static LatentEncoder lowResolution(int factor) {
        return new LatentEncoder() {
            @Override
            public NDArray encode(NDArray frames) {
                long[] s = frames.getShape().getShape();
                return ImageConcatWithNoiseAugmentation.resize(frames, s[2] / factor, s[3] / factor);
            }

            @Override
            public float scaleFactor() {
                return 1f;
            }

            @Override
            public String describe() {
                return "low-resolution RGB frames, area average by " + factor;
            }
        };
    }
}
