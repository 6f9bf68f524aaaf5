package org.videoldm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Clips cut from folders of videos, split into training and validation by whole video so that no
 * frame appears on both sides. Frames are decoded lazily, shrunk to cover the clip size at once,
 * and kept as uint8 in a shared cache; crops and flips happen per clip.
 */
public final class ClipDataset {
    private final ClipOptions options;
    private final List<VideoScan.Entry> videos;
    private final List<VideoScan.Skipped> skipped;
    private final List<Integer> trainVideos = new ArrayList<>();
    private final List<Integer> validationVideos = new ArrayList<>();
    private final int[][][] windows;
    private final FrameCache cache;

    private ClipDataset(ClipOptions options, VideoScan.Result scan, VideoReader reader, Consumer<String> warnings) {
        this.options = options;
        this.skipped = new ArrayList<>(scan.skipped());
        List<VideoScan.Entry> usable = new ArrayList<>();
        List<int[][]> cuts = new ArrayList<>();
        for (VideoScan.Entry e : scan.videos()) {
            int[][] w = options.windows(e.info().frameCount(), e.info().fps());
            if (w.length == 0) {
                String why = "too short: " + e.info().frameCount() + " frames do not make one clip of " + options.frames();
                skipped.add(new VideoScan.Skipped(e.info().path(), why, null));
                warnings.accept("warning: skipped " + e.info().path() + ": " + why);
                continue;
            }
            if (options.targetFps() > 0 && Double.isNaN(e.info().fps())) {
                warnings.accept("warning: " + e.info().path() + ": frame rate unknown, using consecutive frames");
            }
            usable.add(e);
            cuts.add(w);
        }
        this.videos = List.copyOf(usable);
        this.windows = cuts.toArray(new int[0][][]);
        split();
        this.cache = new FrameCache(options.cacheBytes(), v -> decode(reader, v));
    }

    /** Scans folders (or files) with the standard reader; warnings go to stderr. */
    public static ClipDataset scan(ClipOptions options, Path... roots) {
        VideoReader reader = VideoReader.standard();
        Consumer<String> warn = VideoScan.WARN_ONCE;
        return new ClipDataset(options, VideoScan.scan(reader, Arrays.asList(roots), warn), reader, warn);
    }

    public static ClipDataset of(ClipOptions options, VideoScan.Result scan, VideoReader reader, Consumer<String> warnings) {
        return new ClipDataset(options, scan, reader, warnings);
    }

    /** Seeded shuffle of the videos sorted by id; the first share goes to validation. */
    private void split() {
        Integer[] order = new Integer[videos.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> videos.get(i).id()));
        List<Integer> shuffled = new ArrayList<>(Arrays.asList(order));
        Collections.shuffle(shuffled, new Random(options.seed()));
        int n = shuffled.size();
        int nVal = (int) Math.round(options.validationFraction() * n);
        if (options.validationFraction() > 0 && n >= 2) {
            nVal = Math.max(1, Math.min(n - 1, nVal));
        } else {
            nVal = 0;
        }
        validationVideos.addAll(shuffled.subList(0, nVal));
        trainVideos.addAll(shuffled.subList(nVal, n));
        Collections.sort(validationVideos);
        Collections.sort(trainVideos);
    }

    private RgbFrame[] decode(VideoReader reader, int video) {
        BitSet wanted = new BitSet();
        for (int[] w : windows[video]) {
            for (int f : w) {
                wanted.set(f);
            }
        }
        VideoInfo info = videos.get(video).info();
        RgbFrame[] frames = new RgbFrame[info.frameCount()];
        // Decoding stops after the last frame any clip uses.
        int n = reader.forEachFrame(info.path(), wanted.length(), wanted::get, (i, t, f) -> {
            if (i < frames.length) {
                frames[i] = FrameResize.resizeToCover(f, options.height(), options.width());
            }
        });
        int missing = wanted.stream().filter(i -> frames[i] == null).findFirst().orElse(-1);
        if (missing >= 0) {
            throw new VideoDecodeException(info.path(), "frame " + missing + " is missing: the headers promise " + info.frameCount()
                    + " frames but only " + n + " could be decoded", info);
        }
        return frames;
    }

    public ClipOptions options() {
        return options;
    }

    /** Training clips, with random crops and flips if the options ask for them. */
    public ClipSource train() {
        return new Split(trainVideos, true);
    }

    /** Validation clips, always centre-cropped and unflipped. */
    public ClipSource validation() {
        return new Split(validationVideos, false);
    }

    public List<VideoScan.Entry> trainVideos() {
        return trainVideos.stream().map(videos::get).toList();
    }

    public List<VideoScan.Entry> validationVideos() {
        return validationVideos.stream().map(videos::get).toList();
    }

    public List<VideoScan.Skipped> skipped() {
        return List.copyOf(skipped);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "clips of %d frames, %dx%d (height x width), %s%n", options.frames(), options.height(), options.width(),
                options.targetFps() > 0 ? "at " + VideoInfo.formatFps(options.targetFps()) + " fps" : "every " + options.frameStep() + " frame(s)"));
        appendSplit(sb, "train", trainVideos);
        appendSplit(sb, "validation", validationVideos);
        sb.append(String.format(Locale.ROOT, "skipped: %d file(s)%n", skipped.size()));
        for (VideoScan.Skipped s : skipped) {
            sb.append("  ").append(s.path()).append(": ").append(s.reason()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private void appendSplit(StringBuilder sb, String name, List<Integer> ids) {
        int clips = ids.stream().mapToInt(v -> windows[v].length).sum();
        sb.append(String.format(Locale.ROOT, "%s: %d video(s), %d clip(s)%n", name, ids.size(), clips));
        for (int v : ids) {
            VideoInfo i = videos.get(v).info();
            sb.append(String.format(Locale.ROOT, "  %-52s %4d frames %9s fps %4d clips%n", videos.get(v).id(), i.frameCount(),
                    Double.isNaN(i.fps()) ? "?" : VideoInfo.formatFps(i.fps()), windows[v].length));
        }
    }

    /** The clips of some videos, numbered video by video. */
    private final class Split implements ClipSource {
        private final int[] videoOf;
        private final int[] windowOf;
        private final boolean augment;

        Split(List<Integer> ids, boolean augment) {
            this.augment = augment;
            int n = ids.stream().mapToInt(v -> windows[v].length).sum();
            videoOf = new int[n];
            windowOf = new int[n];
            int k = 0;
            for (int v : ids) {
                for (int w = 0; w < windows[v].length; w++) {
                    videoOf[k] = v;
                    windowOf[k++] = w;
                }
            }
        }

        @Override
        public int size() {
            return videoOf.length;
        }

        @Override
        public String clipId(int index) {
            return videos.get(videoOf[index]).id() + "@" + windows[videoOf[index]][windowOf[index]][0];
        }

        @Override
        public Clip clip(int index, long augmentSeed) {
            int v = videoOf[index];
            int[] frames = windows[v][windowOf[index]];
            RgbFrame[] decoded = cache.get(v);
            RgbFrame first = decoded[frames[0]];
            int h = options.height();
            int w = options.width();
            int x0 = (first.width() - w) / 2;
            int y0 = (first.height() - h) / 2;
            boolean flip = false;
            if (augment) {
                SplittableRandom rng = new SplittableRandom(augmentSeed);
                if (options.randomCrop()) {
                    x0 = rng.nextInt(first.width() - w + 1);
                    y0 = rng.nextInt(first.height() - h + 1);
                }
                flip = options.flip() && rng.nextBoolean();
            }
            List<RgbFrame> out = new ArrayList<>(frames.length);
            for (int f : frames) {
                RgbFrame c = decoded[f].crop(x0, y0, w, h);
                out.add(flip ? c.flipHorizontal() : c);
            }
            return Clip.of(clipId(index), out);
        }
    }
}
