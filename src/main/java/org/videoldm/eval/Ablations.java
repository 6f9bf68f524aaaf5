package org.videoldm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.metrics.CutRate;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.FeatureExtractor;
import org.videoldm.metrics.FrechetDistance;
import org.videoldm.metrics.Preprocess;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.pipeline.VideoLDMPipeline.DecoderChoice;
import org.videoldm.train.RunMode;
import org.videoldm.train.stages.TemporalAlignment;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's ablations (Tab. 1-3) at toy scale. Every variant samples videos with several seeds under the same
 * sampler; every row is scored against the same held-out real clips (drives or parts of drives never trained on) and,
 * where the samples are unconditional, against held-out procedural clips (fresh seeds), by FVD-toy and FID-toy, with
 * the cut rate of its videos. Each value carries a bootstrap 95% interval (generated and reference clips resampled);
 * the floor rows score two halves of the held-out clips against each other, the distance a perfect model would still
 * get with this many clips. Comparisons:
 * <ul>
 *   <li>temporal alignment: image LDM per frame, video LDM, and the variants that were trained (end-to-end,
 *       attention-only, conv-only), all through the image decoder;</li>
 *   <li>decoder fine-tuning: the same video LDM samples through the image and the temporal decoder;</li>
 *   <li>context guidance: the prediction model continuing S real frames without (s = 1) and with guidance;</li>
 *   <li>upsampling: the held-out clips shrunk and upsampled back per frame and temporally aligned.</li>
 * </ul>
 * A comparison whose networks are missing is skipped with a message.
 */
public final class Ablations implements AutoCloseable {
    public static final String FVD_REAL = "FVD-toy real";
    public static final String FID_REAL = "FID-toy real";
    public static final String FVD_PROCEDURAL = "FVD-toy procedural";
    public static final String FID_PROCEDURAL = "FID-toy procedural";
    public static final String CUT_RATE = "cut rate";

    /**
     * @param videosPerSeed videos each seed samples per variant
     * @param seeds sampling seeds per variant (their videos are pooled)
     * @param sampling sampler, steps and first seed, the same for every variant
     * @param contextFrames S real frames the prediction model continues
     * @param contextGuidance the guided variant's scale s (the other uses 1)
     * @param upsamplerLevel noise augmentation level of the upsamplers' input (null: the upsampler's own default)
     * @param featureBatch clips per detector call
     * @param bootstrap resamples behind each interval
     */
    public record Settings(int videosPerSeed, int seeds, VideoLDMPipeline.Options sampling, int contextFrames, double contextGuidance,
            Integer upsamplerLevel, int featureBatch, int bootstrap) {
        /** 3 seeds x 8 videos per variant, DPM++ 2M with 20 steps, 200 resamples (a handful in smoke mode). */
        public static Settings defaults(RunMode mode) {
            boolean smoke = mode == RunMode.SMOKE;
            return new Settings(smoke ? 2 : 8, smoke ? 2 : 3, new VideoLDMPipeline.Options("dpmpp2m", smoke ? 2 : 20, 0), 2, 2.0, null, 8, smoke ? 20 : 200);
        }

        public int videos() {
            return videosPerSeed * seeds;
        }
    }

    /** A value and its bootstrap 95% interval. */
    public record Estimate(double value, double low, double high) {
        public boolean overlaps(Estimate o) {
            return low <= o.high && o.low <= high;
        }

        public String text() {
            return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3g [%.3g, %.3g]", value, low, high);
        }
    }

    /** One variant: what it is, how many clips on each side, and its metrics. */
    public record Row(String comparison, String variant, int generated, int real, Map<String, Estimate> metrics, double seconds) {
        public Estimate metric(String name) {
            return metrics.getOrDefault(name, new Estimate(Double.NaN, Double.NaN, Double.NaN));
        }

        public String line() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %-34s %3d vs %3d", comparison, variant, generated, real));
            metrics.forEach((k, v) -> sb.append("  ").append(k).append(' ').append(v.text()));
            return sb.append(String.format(Locale.ROOT, "  (%.0f s)", seconds)).toString();
        }
    }

    /** Reference clips with their features, computed once. */
    private record Reference(NDArray clips, double[][] clipFeatures, double[][] frameFeatures) {}

    private final Path checkpoints;
    private final CheckpointFolder folder;
    private final FeatureDetector clipDetector;
    private final FeatureDetector frameDetector;
    private final Settings s;
    private final NDManager m;
    private final Reference real;
    private final Reference procedural;
    private final VideoLDMPipeline base;

    /**
     * @param realHeldOut real clips never trained on (their length is every generated video's)
     * @param proceduralHeldOut procedural clips of fresh seeds, or null
     * @param clipDetector the FVD-toy detector; {@code frameDetector} the FID-toy one
     */
    public Ablations(Path checkpoints, ClipSource realHeldOut, ClipSource proceduralHeldOut, FeatureDetector clipDetector, FeatureDetector frameDetector,
            Settings settings) {
        if (realHeldOut.size() < 4) {
            throw new IllegalArgumentException("ablations: the floor and the intervals need at least 4 held-out clips, the data has " + realHeldOut.size());
        }
        if (settings.videos() < 2) {
            throw new IllegalArgumentException("ablations: need at least 2 generated videos per variant, got " + settings.videos());
        }
        this.checkpoints = checkpoints;
        this.folder = CheckpointFolder.of(checkpoints);
        this.clipDetector = clipDetector;
        this.frameDetector = frameDetector;
        this.s = settings;
        this.m = NDManager.newBaseManager();
        this.real = reference(realHeldOut);
        this.procedural = proceduralHeldOut == null || proceduralHeldOut.size() < 4 ? null : reference(proceduralHeldOut);
        this.base = VideoLDMPipeline.load(checkpoints, m).progress(Progress.Mode.QUIET);
    }

    private Reference reference(ClipSource source) {
        List<Clip> clips = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            clips.add(source.clip(i));
        }
        NDArray v = VideoTensors.toTensor(m, clips);
        return new Reference(v, features(clipDetector, v), features(frameDetector, v));
    }

    public int frames() {
        return (int) real.clips().getShape().get(1);
    }

    /** Half of the held-out clips against the other half: what a perfect model would score with this many clips. */
    public List<Row> floors() {
        List<Row> rows = new ArrayList<>();
        rows.add(floor("real", real, FVD_REAL, FID_REAL));
        if (procedural != null) {
            rows.add(floor("procedural", procedural, FVD_PROCEDURAL, FID_PROCEDURAL));
        }
        return rows;
    }

    private Row floor(String name, Reference ref, String fvd, String fid) {
        int n = ref.clipFeatures().length;
        int t = frames();
        double[][][] c = halves(ref.clipFeatures(), 1);
        double[][][] f = halves(ref.frameFeatures(), t);
        Map<String, Estimate> metrics = new LinkedHashMap<>();
        metrics.put(fvd, frechet(c[0], c[1]));
        metrics.put(fid, frechet(f[0], f[1]));
        metrics.put(CUT_RATE, cutRate(VideoTensors.toFrames(ref.clips())));
        return new Row("floor", name + " vs " + name + " (half against half)", n / 2, n - n / 2, metrics, 0);
    }

    /** Image LDM per frame, video LDM and the trained alternatives of temporal alignment, through the image decoder. */
    public List<Row> temporalAlignment() {
        List<Row> rows = new ArrayList<>();
        rows.add(unconditional("temporal alignment", "image LDM per frame",
                o -> decode(base.sampleImageFrames(m, s.videosPerSeed(), frames(), latentShape(), o, null), DecoderChoice.IMAGE)));
        rows.add(unconditional("temporal alignment", "video LDM", o -> decode(videoLdmLatents(o), DecoderChoice.IMAGE)));
        for (TemporalAlignment.Variant v : TemporalAlignment.Variant.values()) {
            if (v == TemporalAlignment.Variant.FULL || !folder.has(v.network)) {
                continue;
            }
            SavedNetwork net = SavedNetwork.load(folder.network(v.network), m);
            Denoiser den = Denoisers.fromJson(net.denoiser());
            VideoLDMPipeline p = new VideoLDMPipeline(base.imageFirstStage(), null, null, null, net.module(VideoUNet.class), den, frames())
                    .progress(Progress.Mode.QUIET);
            rows.add(unconditional("temporal alignment", "video LDM, " + v.key(),
                    o -> decode(p.sampleVideo(m, s.videosPerSeed(), frames(), latentShape(), o, null), DecoderChoice.IMAGE)));
        }
        return rows;
    }

    /** The same video LDM samples decoded by the image autoencoder's decoder and by the fine-tuned temporal decoder. */
    public List<Row> decoderFinetuning() {
        folder.require(CheckpointFolder.VIDEO_DECODER);
        List<Row> rows = new ArrayList<>();
        rows.add(unconditional("decoder fine-tuning", "video LDM + image decoder", o -> decode(videoLdmLatents(o), DecoderChoice.IMAGE)));
        rows.add(unconditional("decoder fine-tuning", "video LDM + temporal decoder", o -> decode(videoLdmLatents(o), DecoderChoice.TEMPORAL)));
        return rows;
    }

    /** The prediction model continuing S real frames of held-out clips, without (s = 1) and with context guidance. */
    public List<Row> contextGuidance() {
        folder.require(CheckpointFolder.PREDICTION);
        LongVideoPipeline prediction = LongVideoPipeline.load(checkpoints, m).progress(Progress.Mode.QUIET);
        int sFrames = s.contextFrames();
        List<Row> rows = new ArrayList<>();
        for (double g : new double[] {1.0, s.contextGuidance()}) {
            String name = g == 1.0 ? "no context guidance (s = 1)" : String.format(Locale.ROOT, "context guidance s = %.3g", g);
            rows.add(conditional("context guidance", name, (o, seedIndex) -> {
                NDArray context;
                try (NDManager scope = m.newSubManager()) {
                    NDArray first = heldOutVideos(s.videosPerSeed(), seedIndex).get(":, 0:" + sFrames);
                    context = base.imageFirstStage().encodeScaled(VideoTensors.framesInner(first));
                    context.attach(m);
                }
                LongVideoPipeline.Options lo = new LongVideoPipeline.Options(o, sFrames, g);
                return decode(prediction.latents(m, s.videosPerSeed(), frames(), context, lo, null, null), DecoderChoice.IMAGE);
            }));
        }
        return rows;
    }

    /** Held-out clips shrunk to the upsamplers' input size and upsampled back, per frame and temporally aligned. */
    public List<Row> upsampling() {
        folder.require(CheckpointFolder.UPSAMPLER_IMAGE);
        folder.require(CheckpointFolder.UPSAMPLER_VIDEO);
        List<Row> rows = new ArrayList<>();
        for (boolean video : new boolean[] {false, true}) {
            UpsamplerPipeline up = UpsamplerPipeline.load(checkpoints, m, video).progress(Progress.Mode.QUIET);
            int level = s.upsamplerLevel() != null ? s.upsamplerLevel() : up.defaultNoiseLevel();
            int scale = up.upscale();
            String name = String.format(Locale.ROOT, "%s upsampler x%d, level %d", video ? "aligned video" : "per-frame image", scale, level);
            rows.add(conditional("upsampling", name, (o, seedIndex) -> {
                NDArray frames = VideoTensors.framesInner(heldOutVideos(s.videosPerSeed(), seedIndex));
                long h = frames.getShape().get(2);
                long w = frames.getShape().get(3);
                NDArray lowRes = ImageConcatWithNoiseAugmentation.resize(frames, h / scale, w / scale);
                return decode(up.latents(m, lowRes, frames(), level, o, null), DecoderChoice.IMAGE);
            }));
        }
        return rows;
    }

    /** Every comparison whose networks are present, the floors first; each row goes to {@code onRow} once scored. */
    public List<Row> all(Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        Consumer<Row> add = r -> {
            rows.add(r);
            if (onRow != null) {
                onRow.accept(r);
            }
        };
        floors().forEach(add);
        Map<String, Runnable> comparisons = new LinkedHashMap<>();
        comparisons.put("temporal alignment", () -> temporalAlignment().forEach(add));
        comparisons.put("decoder fine-tuning", () -> decoderFinetuning().forEach(add));
        comparisons.put("context guidance", () -> contextGuidance().forEach(add));
        comparisons.put("upsampling", () -> upsampling().forEach(add));
        comparisons.forEach((name, run) -> {
            try {
                run.run();
            } catch (CheckpointFolder.MissingCheckpointException e) {
                System.err.println("ablations: skipped " + name + ": " + e.getMessage());
            }
        });
        return rows;
    }

    /** "a < b", "a > b" or "no difference at this scale" (the intervals overlap) for a metric of two rows. */
    public static String verdict(Row a, Row b, String metric) {
        Estimate x = a.metric(metric);
        Estimate y = b.metric(metric);
        if (Double.isNaN(x.value()) || Double.isNaN(y.value())) {
            return "-";
        }
        if (x.overlaps(y)) {
            return "no difference at this scale";
        }
        return x.value() < y.value() ? a.variant() + " lower" : b.variant() + " lower";
    }

    /** The rows as a table: counts, then each metric as "value [low, high]". */
    public static Table table(String title, List<Row> rows) {
        List<String> metrics = new ArrayList<>();
        rows.forEach(r -> r.metrics().keySet().forEach(k -> {
            if (!metrics.contains(k)) {
                metrics.add(k);
            }
        }));
        Table t = Table.create(title);
        t.addColumns(StringColumn.create("comparison"), StringColumn.create("variant"), IntColumn.create("generated"), IntColumn.create("reference"));
        metrics.forEach(k -> t.addColumns(StringColumn.create(k + " [95% CI]")));
        for (Row r : rows) {
            t.stringColumn(0).append(r.comparison());
            t.stringColumn(1).append(r.variant());
            t.intColumn(2).append(r.generated());
            t.intColumn(3).append(r.real());
            for (int i = 0; i < metrics.size(); i++) {
                t.stringColumn(4 + i).append(r.metric(metrics.get(i)).text());
            }
        }
        return t;
    }

    /** Videos of a variant from {@code make} (given the sampling options of one seed), scored against both references. */
    private Row unconditional(String comparison, String variant, java.util.function.Function<VideoLDMPipeline.Options, NDArray> make) {
        return score(comparison, variant, (o, i) -> make.apply(o), true);
    }

    /** Videos conditioned on held-out real clips: scored against the real reference only. */
    private Row conditional(String comparison, String variant, java.util.function.BiFunction<VideoLDMPipeline.Options, Integer, NDArray> make) {
        return score(comparison, variant, make, false);
    }

    private Row score(String comparison, String variant, java.util.function.BiFunction<VideoLDMPipeline.Options, Integer, NDArray> make, boolean both) {
        long t0 = System.nanoTime();
        try (NDManager scope = m.newSubManager()) {
            List<NDArray> parts = new ArrayList<>();
            for (int i = 0; i < s.seeds(); i++) {
                VideoLDMPipeline.Options o = new VideoLDMPipeline.Options(s.sampling().sampler(), s.sampling().steps(), Seeds.derive(s.sampling().seed(), i));
                NDArray v = make.apply(o, i);
                v.attach(scope);
                parts.add(v);
            }
            NDArray videos = org.videoldm.nn.Ops.cat(0, parts.toArray(new NDArray[0]));
            double[][] clipF = features(clipDetector, videos);
            double[][] frameF = features(frameDetector, videos);
            Map<String, Estimate> metrics = new LinkedHashMap<>();
            metrics.put(FVD_REAL, frechet(clipF, real.clipFeatures()));
            metrics.put(FID_REAL, frechet(frameF, real.frameFeatures()));
            if (both && procedural != null) {
                metrics.put(FVD_PROCEDURAL, frechet(clipF, procedural.clipFeatures()));
                metrics.put(FID_PROCEDURAL, frechet(frameF, procedural.frameFeatures()));
            }
            metrics.put(CUT_RATE, cutRate(VideoTensors.toFrames(videos)));
            return new Row(comparison, variant, (int) videos.getShape().get(0), (int) real.clips().getShape().get(0), metrics, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Frechet distance with a percentile interval over resamples of both sets (rows drawn with replacement). */
    private Estimate frechet(double[][] a, double[][] b) {
        double value = FrechetDistance.distance(a, b, true);
        SplittableRandom rng = new SplittableRandom(Seeds.derive(s.sampling().seed(), 0xB007, a.length, b.length));
        double[] draws = new double[s.bootstrap()];
        for (int k = 0; k < draws.length; k++) {
            draws[k] = FrechetDistance.distance(Bootstrap.resample(a, rng), Bootstrap.resample(b, rng), true);
        }
        return interval(value, draws);
    }

    private Estimate cutRate(List<List<RgbFrame>> videos) {
        return cutRate(videos, s.bootstrap(), s.sampling().seed());
    }

    /**
     * The cut rate of {@code videos} with a percentile 95% interval over {@code resamples} resamples of whole videos
     * (a video's frame pairs are not independent, so videos, not pairs, are drawn with replacement).
     */
    public static Estimate cutRate(List<List<RgbFrame>> videos, int resamples, long seed) {
        double value = CutRate.of(videos).rate();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 0xC07, videos.size()));
        double[] draws = new double[resamples];
        for (int k = 0; k < draws.length; k++) {
            List<List<RgbFrame>> pick = new ArrayList<>();
            for (int i = 0; i < videos.size(); i++) {
                pick.add(videos.get(rng.nextInt(videos.size())));
            }
            draws[k] = CutRate.of(pick).rate();
        }
        return interval(value, draws);
    }

    static Estimate interval(double value, double[] draws) {
        return Bootstrap.interval(value, draws);
    }

    /** Rows split into two halves, keeping groups of {@code group} rows (a clip's frames) together. */
    private static double[][][] halves(double[][] rows, int group) {
        int groups = rows.length / group;
        int first = groups / 2;
        double[][] a = java.util.Arrays.copyOfRange(rows, 0, first * group);
        double[][] b = java.util.Arrays.copyOfRange(rows, first * group, groups * group);
        return new double[][][] {a, b};
    }

    /** Scaled latents to videos {@code [N, T, 3, H, W]} in [-1, 1]. */
    private NDArray decode(NDArray latents, DecoderChoice decoder) {
        NDArray pixels = base.decode(latents, frames(), decoder, frames(), null).clip(-1f, 1f);
        return VideoTensors.videosOf(pixels, frames());
    }

    /** Video LDM samples of one seed, drawn once and shared by the two comparisons that use them. */
    private final Map<Long, NDArray> videoLdmBySeed = new LinkedHashMap<>();

    private NDArray videoLdmLatents(VideoLDMPipeline.Options o) {
        return videoLdmBySeed.computeIfAbsent(o.seed(), k -> base.sampleVideo(m, s.videosPerSeed(), frames(), latentShape(), o, null));
    }

    /** {@code n} held-out clips for seed index {@code i}: consecutive clips, cycling through them. */
    private NDArray heldOutVideos(int n, int i) {
        long count = real.clips().getShape().get(0);
        long[] index = new long[n];
        for (int k = 0; k < n; k++) {
            index[k] = ((long) i * n + k) % count;
        }
        return real.clips().get(m.create(index));
    }

    private ai.djl.ndarray.types.Shape latentShape() {
        return base.latentShape((int) real.clips().getShape().get(3), (int) real.clips().getShape().get(4));
    }

    private double[][] features(FeatureDetector det, NDArray videos) {
        try (NDManager scope = m.newSubManager()) {
            NDArray uint8 = Preprocess.toUint8Clips(videos);
            uint8.attach(scope);
            NDArray input = det.input() == FeatureDetector.Input.CLIPS ? uint8 : org.videoldm.metrics.FID.framesOf(uint8);
            return FeatureExtractor.features(det, input, s.featureBatch());
        }
    }

    @Override
    public void close() {
        m.close();
    }
}
