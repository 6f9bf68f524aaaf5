package org.videoldm.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /** Clips as {video, window} pairs, in video order. */
    private final List<int[]> trainClips = new ArrayList<>();
    private final List<int[]> validationClips = new ArrayList<>();
    private final int[][][] windows;
    private final FrameCache cache;
    private final HoldOut holdOut;
    private int droppedAtCuts;

    private ClipDataset(ClipOptions options, HoldOut holdOut, VideoScan.Result scan, VideoReader reader, Consumer<String> warnings) {
        this.options = options;
        this.holdOut = holdOut;
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
        return scan(options, HoldOut.none(), roots);
    }

    /** As {@link #scan(ClipOptions, Path...)}, holding out what the rules say. */
    public static ClipDataset scan(ClipOptions options, HoldOut holdOut, Path... roots) {
        VideoReader reader = VideoReader.standard();
        Consumer<String> warn = VideoScan.WARN_ONCE;
        return new ClipDataset(options, holdOut, VideoScan.scan(reader, Arrays.asList(roots), warn), reader, warn);
    }

    public static ClipDataset of(ClipOptions options, VideoScan.Result scan, VideoReader reader, Consumer<String> warnings) {
        return of(options, HoldOut.none(), scan, reader, warnings);
    }

    public static ClipDataset of(ClipOptions options, HoldOut holdOut, VideoScan.Result scan, VideoReader reader, Consumer<String> warnings) {
        return new ClipDataset(options, holdOut, scan, reader, warnings);
    }

    /**
     * Applies the hold-out rules video by video; videos under a {@code fraction} rule, and those no rule names (with the
     * options' validation fraction), are split as whole videos by a seeded shuffle of their sorted ids.
     */
    private void split() {
        java.util.Map<String, List<Integer>> shares = new java.util.LinkedHashMap<>();
        java.util.Map<String, Double> fractionOf = new java.util.HashMap<>();
        List<Boolean> validation = new ArrayList<>(Collections.nCopies(videos.size(), Boolean.FALSE));
        List<Integer> whole = new ArrayList<>();
        for (int v = 0; v < videos.size(); v++) {
            HoldOut.Rule r = holdOut.ruleFor(videos.get(v).id());
            if (r == null || r.kind() == HoldOut.Kind.FRACTION) {
                String key = r == null ? "" : r.toString();
                shares.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
                fractionOf.put(key, r == null ? options.validationFraction() : r.fraction());
            } else if (r.kind() == HoldOut.Kind.TAIL) {
                int cut = (int) Math.floor(videos.get(v).info().frameCount() * (1 - r.fraction()));
                for (int w = 0; w < windows[v].length; w++) {
                    int[] f = windows[v][w];
                    if (f[f.length - 1] < cut) {
                        trainClips.add(new int[] {v, w});
                    } else if (f[0] >= cut) {
                        validationClips.add(new int[] {v, w});
                    } else {
                        droppedAtCuts++; // frames on both sides of the cut: in neither split
                    }
                }
            } else {
                validation.set(v, r.kind() == HoldOut.Kind.WHOLE);
                whole.add(v);
            }
        }
        for (Map.Entry<String, List<Integer>> e : shares.entrySet()) {
            List<Integer> group = new ArrayList<>(e.getValue());
            group.sort(Comparator.comparing(i -> videos.get(i).id()));
            Collections.shuffle(group, new Random(options.seed()));
            int n = group.size();
            double fraction = fractionOf.get(e.getKey());
            int nVal = (int) Math.round(fraction * n);
            nVal = fraction > 0 && n >= 2 ? Math.max(1, Math.min(n - 1, nVal)) : 0;
            for (int i = 0; i < n; i++) {
                validation.set(group.get(i), i < nVal);
                whole.add(group.get(i));
            }
        }
        Collections.sort(whole);
        for (int v : whole) {
            for (int w = 0; w < windows[v].length; w++) {
                (validation.get(v) ? validationClips : trainClips).add(new int[] {v, w});
            }
        }
        Comparator<int[]> order = Comparator.<int[]>comparingInt(c -> c[0]).thenComparingInt(c -> c[1]);
        trainClips.sort(order);
        validationClips.sort(order);
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
        return new Split(trainClips, true);
    }

    /** Validation clips, always centre-cropped and unflipped. */
    public ClipSource validation() {
        return new Split(validationClips, false);
    }

    /** Videos with at least one training clip. */
    public List<VideoScan.Entry> trainVideos() {
        return videosOf(trainClips);
    }

    /** Videos with at least one validation clip (a video held out only in its tail is in both lists). */
    public List<VideoScan.Entry> validationVideos() {
        return videosOf(validationClips);
    }

    private List<VideoScan.Entry> videosOf(List<int[]> clips) {
        return clips.stream().mapToInt(c -> c[0]).distinct().mapToObj(videos::get).toList();
    }

    public HoldOut holdOut() {
        return holdOut;
    }

    public List<VideoScan.Skipped> skipped() {
        return List.copyOf(skipped);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "clips of %d frames, %dx%d (height x width), %s%n", options.frames(), options.height(), options.width(),
                options.targetFps() > 0 ? "at " + VideoInfo.formatFps(options.targetFps()) + " fps" : "every " + options.frameStep() + " frame(s)"));
        appendSplit(sb, "train", trainClips);
        appendSplit(sb, "validation", validationClips);
        if (droppedAtCuts > 0) {
            sb.append(String.format(Locale.ROOT, "dropped: %d clip(s) spanning a hold-out cut%n", droppedAtCuts));
        }
        sb.append(String.format(Locale.ROOT, "skipped: %d file(s)%n", skipped.size()));
        for (VideoScan.Skipped s : skipped) {
            sb.append("  ").append(s.path()).append(": ").append(s.reason()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private void appendSplit(StringBuilder sb, String name, List<int[]> clips) {
        Map<Integer, Integer> perVideo = new java.util.TreeMap<>();
        clips.forEach(c -> perVideo.merge(c[0], 1, Integer::sum));
        sb.append(String.format(Locale.ROOT, "%s: %d video(s), %d clip(s)%n", name, perVideo.size(), clips.size()));
        for (Map.Entry<Integer, Integer> e : perVideo.entrySet()) {
            VideoInfo i = videos.get(e.getKey()).info();
            HoldOut.Rule r = holdOut.ruleFor(videos.get(e.getKey()).id());
            sb.append(String.format(Locale.ROOT, "  %-52s %4d frames %9s fps %4d clips%s%n", videos.get(e.getKey()).id(), i.frameCount(),
                    Double.isNaN(i.fps()) ? "?" : VideoInfo.formatFps(i.fps()), e.getValue(), r == null ? "" : "  (" + r + ")"));
        }
    }

    /** The clips of some videos, numbered video by video. */
    private final class Split implements ClipSource {
        private final int[] videoOf;
        private final int[] windowOf;
        private final boolean augment;

        Split(List<int[]> clips, boolean augment) {
            this.augment = augment;
            videoOf = new int[clips.size()];
            windowOf = new int[clips.size()];
            for (int k = 0; k < clips.size(); k++) {
                videoOf[k] = clips.get(k)[0];
                windowOf[k] = clips.get(k)[1];
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
