package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoReader;
import org.videoldm.data.VideoScan;
import org.videoldm.util.Progress;

/**
 * The clips of a folder of videos and their detector features, for {@code eval}: each video is cut into
 * back-to-back clips of {@code clipLength} frames (every {@code frameStep}-th frame; videos shorter
 * than one clip are skipped, as StyleGAN-V's {@code discard_short_videos}); only the frames those clips
 * need are decoded, at the video's own size (each detector resizes as its recipe says). Features are
 * cached per video in a {@link FeatureCache}.
 */
public final class VideoFolderFeatures {
    /**
     * @param clipLength frames per clip (16 in the FVD recipe)
     * @param frameStep take every frameStep-th source frame
     * @param clipsPerVideo at most this many clips from one video (0: all)
     * @param maxClips at most this many clips from the folder, videos in sorted order (0: all)
     */
    public record Options(int clipLength, int frameStep, int clipsPerVideo, int maxClips) {
        public String settings() {
            return "T=" + clipLength + ",step=" + frameStep + ",perVideo=" + clipsPerVideo;
        }
    }

    /** One video and the source frame indices of each of its clips. */
    public record VideoClips(String id, Path path, int[][] windows) {}

    private final VideoReader reader;
    private final List<VideoClips> videos;
    private final Options options;
    private final Path root;

    private VideoFolderFeatures(Path root, VideoReader reader, List<VideoClips> videos, Options options) {
        this.root = root;
        this.reader = reader;
        this.videos = videos;
        this.options = options;
    }

    /** Scans {@code root} and its sub-folders (undecodable files are skipped with a warning) and plans the clips. */
    public static VideoFolderFeatures scan(Path root, Options o, Consumer<String> warnings) {
        return scan(root, o, true, warnings);
    }

    /** Scans {@code root}, with or without its sub-folders, and plans the clips. */
    public static VideoFolderFeatures scan(Path root, Options o, boolean recursive, Consumer<String> warnings) {
        VideoReader reader = VideoReader.standard();
        VideoScan.Result scan = VideoScan.scan(reader, List.of(root), recursive, warnings);
        List<String> ids = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        List<List<int[]>> planned = new ArrayList<>();
        int span = (o.clipLength() - 1) * o.frameStep() + 1;
        for (VideoScan.Entry e : scan.videos()) {
            int n = e.info().frameCount();
            List<int[]> windows = new ArrayList<>();
            for (int start = 0; start + span <= n && (o.clipsPerVideo() <= 0 || windows.size() < o.clipsPerVideo()); start += o.clipLength() * o.frameStep()) {
                int[] w = new int[o.clipLength()];
                for (int t = 0; t < w.length; t++) {
                    w[t] = start + t * o.frameStep();
                }
                windows.add(w);
            }
            if (windows.isEmpty()) {
                warnings.accept(e.id() + ": " + n + " frames, shorter than one clip of " + o.clipLength() + " frames (step " + o.frameStep() + "); skipped");
                continue;
            }
            ids.add(e.id());
            paths.add(e.info().path());
            planned.add(windows);
        }
        if (planned.isEmpty()) {
            throw new IllegalArgumentException(root + ": no video with at least " + span + " frames");
        }
        // With a clip budget, take clips round-robin over the videos so every video is represented.
        int[] take = new int[planned.size()];
        int total = planned.stream().mapToInt(List::size).sum();
        int budget = o.maxClips() > 0 ? Math.min(o.maxClips(), total) : total;
        for (int given = 0, round = 0; given < budget; round++) {
            for (int v = 0; v < planned.size() && given < budget; v++) {
                if (round < planned.get(v).size()) {
                    take[v]++;
                    given++;
                }
            }
        }
        List<VideoClips> out = new ArrayList<>();
        for (int v = 0; v < planned.size(); v++) {
            if (take[v] > 0) {
                out.add(new VideoClips(ids.get(v), paths.get(v), planned.get(v).subList(0, take[v]).toArray(new int[0][])));
            }
        }
        return new VideoFolderFeatures(root, reader, out, o);
    }

    /** The frame count of the shortest decodable video under {@code root} (0 if there is none); reads headers only. */
    public static int shortestVideo(Path root, boolean recursive) {
        return VideoScan.scan(VideoReader.standard(), List.of(root), recursive, w -> { }).videos().stream()
                .mapToInt(e -> e.info().frameCount()).min().orElse(0);
    }

    public List<VideoClips> videos() {
        return videos;
    }

    public int clipCount() {
        return videos.stream().mapToInt(v -> v.windows().length).sum();
    }

    /** The cut rate ({@link CutRate}) over every planned clip of the folder. */
    public CutRate.Result cutRate() {
        List<List<RgbFrame>> clips = new ArrayList<>();
        for (VideoClips v : videos) {
            Map<Integer, RgbFrame> frames = new TreeMap<>();
            java.util.Set<Integer> wanted = new java.util.HashSet<>();
            for (int[] w : v.windows()) {
                for (int i : w) {
                    wanted.add(i);
                }
            }
            reader.forEachFrame(v.path(), wanted::contains, (index, seconds, frame) -> frames.put(index, frame));
            for (int[] w : v.windows()) {
                List<RgbFrame> clip = new ArrayList<>();
                for (int i : w) {
                    clip.add(frames.get(i));
                }
                clips.add(clip);
            }
        }
        return CutRate.of(clips);
    }

    /** uint8 clips [K, T, H, W, 3] of one video. */
    public NDArray clips(VideoClips v, NDManager m) {
        Map<Integer, RgbFrame> frames = new TreeMap<>();
        java.util.Set<Integer> wanted = new java.util.HashSet<>();
        for (int[] w : v.windows()) {
            for (int i : w) {
                wanted.add(i);
            }
        }
        reader.forEachFrame(v.path(), wanted::contains, (index, seconds, frame) -> frames.put(index, frame));
        RgbFrame first = frames.values().iterator().next();
        int h = first.height();
        int w = first.width();
        int t = options.clipLength();
        byte[] data = new byte[v.windows().length * t * h * w * 3];
        int at = 0;
        for (int[] win : v.windows()) {
            for (int i : win) {
                RgbFrame f = frames.get(i);
                if (f == null) {
                    throw new IllegalStateException(v.id() + ": frame " + i + " was not decoded (the header promised more frames than the stream holds)");
                }
                System.arraycopy(f.rgb(), 0, data, at, f.rgb().length);
                at += f.rgb().length;
            }
        }
        return m.create(java.nio.ByteBuffer.wrap(data), new Shape(v.windows().length, t, h, w, 3), DataType.UINT8);
    }

    /**
     * Features of every clip (clip detectors) or every frame of every clip (frame detectors), video by
     * video, from the cache where possible; a progress bar counts videos.
     */
    public double[][] features(FeatureDetector det, FeatureCache cache, int batchSize, NDManager m) {
        List<double[]> rows = new ArrayList<>();
        try (Progress pb = Progress.start(det.name() + " on " + root.getFileName(), videos.size())) {
            for (VideoClips v : videos) {
                String key = cache == null ? null : FeatureCache.key(v.path(), det.name(), options.settings() + ",clips=" + v.windows().length);
                double[][] f = key == null ? null : cache.get(key).orElse(null);
                if (f == null) {
                    try (NDManager scope = m.newSubManager()) {
                        NDArray clips = clips(v, scope);
                        NDArray input = det.input() == FeatureDetector.Input.CLIPS ? clips : FID.framesOf(clips);
                        f = FeatureExtractor.features(det, input, batchSize);
                    }
                    if (cache != null) {
                        Map<String, String> meta = new LinkedHashMap<>();
                        meta.put("video", v.id());
                        meta.put("detector", det.name());
                        meta.put("settings", options.settings());
                        cache.put(key, f, meta);
                    }
                }
                rows.addAll(List.of(f));
                pb.step();
            }
        }
        return rows.toArray(new double[0][]);
    }
}
