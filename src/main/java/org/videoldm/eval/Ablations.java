package org.videoldm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipSource;
import org.videoldm.data.VideoTensors;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.metrics.FVD;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.FeatureExtractor;
import org.videoldm.metrics.MetricResult;
import org.videoldm.metrics.Preprocess;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.pipeline.VideoLDMPipeline.DecoderChoice;
import org.videoldm.train.RunMode;
import org.videoldm.util.Progress;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's ablations (Tab. 1-3) as four comparisons of two variants each, every variant scored by FVD against the
 * same held-out real clips with the same detector (FVD-rand when only random I3D weights are at hand), plus the
 * {@link FrameChange} of its videos:
 * <ul>
 *   <li>temporal alignment: image LDM per frame vs video LDM (both decoded by the image decoder);</li>
 *   <li>decoder fine-tuning: the same video LDM samples decoded by the image decoder vs the temporal decoder;</li>
 *   <li>context guidance: the prediction model continuing S real context frames with guidance 1 (none) vs s;</li>
 *   <li>upsampling: the real clips shrunk and upsampled back per frame (image upsampler) vs temporally aligned.</li>
 * </ul>
 * A comparison whose networks are missing from the checkpoint folder is skipped with a message.
 */
public final class Ablations implements AutoCloseable {
    /**
     * @param videos generated videos per variant
     * @param sampling sampler, steps and seed (the same for every variant, so variants differ only in what is ablated)
     * @param contextFrames S real frames the prediction model continues
     * @param contextGuidance the guided variant's scale s (the other uses 1)
     * @param upsamplerLevel noise augmentation level of the upsamplers' input (null: the upsampler's own default)
     * @param featureBatch clips per detector call
     */
    public record Settings(int videos, VideoLDMPipeline.Options sampling, int contextFrames, double contextGuidance, Integer upsamplerLevel,
            int featureBatch) {
        /** 24 videos per variant, Heun 25 steps (a handful of each in smoke mode). */
        public static Settings defaults(RunMode mode) {
            return new Settings(mode.samples(24), new VideoLDMPipeline.Options("heun", mode == RunMode.SMOKE ? 2 : 25, 0), 2, 2.0, null, 8);
        }

        public Settings videos(int n) {
            return new Settings(n, sampling, contextFrames, contextGuidance, upsamplerLevel, featureBatch);
        }

        public Settings sampling(VideoLDMPipeline.Options o) {
            return new Settings(videos, o, contextFrames, contextGuidance, upsamplerLevel, featureBatch);
        }

        public Settings contextGuidance(double s) {
            return new Settings(videos, sampling, contextFrames, s, upsamplerLevel, featureBatch);
        }
    }

    /** One variant's scores. */
    public record Row(String comparison, String variant, String metric, double value, int generated, int real, double frameChange, double seconds) {
        public String line() {
            return String.format(Locale.ROOT, "%-20s %-34s %s %8.4g (%d generated vs %d real), frame change %.4f, %.0f s", comparison, variant, metric, value,
                    generated, real, frameChange, seconds);
        }
    }

    private final Path checkpoints;
    private final CheckpointFolder folder;
    private final FeatureDetector detector;
    private final Settings s;
    private final NDManager m;
    private final NDArray real;
    private final double[][] realFeatures;
    private final VideoLDMPipeline base;
    private NDArray videoLdmLatents;

    /**
     * @param checkpoints folder with the trained networks ({@link CheckpointFolder} names)
     * @param heldOut real clips never trained on (their length is the length of every generated video)
     * @param detector the I3D detector (its name goes into every row)
     */
    public Ablations(Path checkpoints, ClipSource heldOut, FeatureDetector detector, Settings settings) {
        if (heldOut.size() < 2) {
            throw new IllegalArgumentException("ablations: FVD needs at least 2 held-out clips, the data has " + heldOut.size()
                    + " (point the data at more videos or lower the clip length)");
        }
        if (settings.videos() < 2) {
            throw new IllegalArgumentException("ablations: FVD needs at least 2 generated videos per variant, got " + settings.videos());
        }
        this.checkpoints = checkpoints;
        this.folder = CheckpointFolder.of(checkpoints);
        this.detector = detector;
        this.s = settings;
        this.m = NDManager.newBaseManager();
        List<Clip> clips = new ArrayList<>();
        for (int i = 0; i < heldOut.size(); i++) {
            clips.add(heldOut.clip(i));
        }
        this.real = VideoTensors.toTensor(m, clips);
        this.realFeatures = features(real);
        this.base = VideoLDMPipeline.load(checkpoints, m).progress(Progress.Mode.QUIET);
    }

    /** The held-out clips {@code [N, T, 3, H, W]} in [-1, 1]. */
    public NDArray real() {
        return real;
    }

    public int frames() {
        return (int) real.getShape().get(1);
    }

    /** The real clips' own frame change: the level generated videos should have. */
    public Row realReference() {
        return new Row("reference", "held-out real clips", "-", 0, 0, (int) real.getShape().get(0), FrameChange.mean(real), 0);
    }

    /** Image LDM frame by frame vs the temporally aligned video LDM, both through the image decoder. */
    public List<Row> temporalAlignment() {
        List<Row> rows = new ArrayList<>();
        rows.add(score("temporal alignment", "image LDM per frame", () -> decode(base.sampleImageFrames(m, s.videos(), frames(), latentShape(),
                s.sampling(), null), DecoderChoice.IMAGE)));
        rows.add(score("temporal alignment", "video LDM", () -> decode(videoLdmLatents(), DecoderChoice.IMAGE)));
        return rows;
    }

    /** The same video LDM samples decoded by the image autoencoder's decoder and by the fine-tuned temporal decoder. */
    public List<Row> decoderFinetuning() {
        require(CheckpointFolder.VIDEO_DECODER);
        List<Row> rows = new ArrayList<>();
        rows.add(score("decoder fine-tuning", "video LDM + image decoder", () -> decode(videoLdmLatents(), DecoderChoice.IMAGE)));
        rows.add(score("decoder fine-tuning", "video LDM + temporal decoder", () -> decode(videoLdmLatents(), DecoderChoice.TEMPORAL)));
        return rows;
    }

    /** The prediction model continuing S real frames of each held-out clip, without (s = 1) and with context guidance. */
    public List<Row> contextGuidance() {
        require(CheckpointFolder.PREDICTION);
        LongVideoPipeline prediction = LongVideoPipeline.load(checkpoints, m).progress(Progress.Mode.QUIET);
        int sFrames = s.contextFrames();
        NDArray context;
        try (NDManager scope = m.newSubManager()) {
            NDArray firstFrames = heldOutVideos(s.videos()).get(":, 0:" + sFrames);
            context = base.imageFirstStage().encodeScaled(VideoTensors.framesInner(firstFrames));
            context.attach(m);
        }
        LongVideoPipeline.Options plain = new LongVideoPipeline.Options(s.sampling(), sFrames, 1.0);
        List<Row> rows = new ArrayList<>();
        for (LongVideoPipeline.Options o : List.of(plain, plain.withContextGuidance(s.contextGuidance()))) {
            String name = o.contextGuidance() == 1.0 ? "no context guidance (s = 1)"
                    : String.format(Locale.ROOT, "context guidance s = %.3g", o.contextGuidance());
            rows.add(score("context guidance", name, () -> decode(prediction.latents(m, s.videos(), frames(), context, o, null, null), DecoderChoice.IMAGE)));
        }
        return rows;
    }

    /** The held-out clips shrunk to the upsamplers' input size and upsampled back, frame by frame vs temporally aligned. */
    public List<Row> upsampling() {
        require(CheckpointFolder.UPSAMPLER_IMAGE);
        require(CheckpointFolder.UPSAMPLER_VIDEO);
        List<Row> rows = new ArrayList<>();
        for (boolean video : new boolean[] {false, true}) {
            UpsamplerPipeline up = UpsamplerPipeline.load(checkpoints, m, video).progress(Progress.Mode.QUIET);
            int[] low = up.lowResolution();
            int level = s.upsamplerLevel() != null ? s.upsamplerLevel() : up.defaultNoiseLevel();
            String name = String.format(Locale.ROOT, "%s upsampler %dx%d, level %d", video ? "aligned video" : "per-frame image", low[0], low[1], level);
            rows.add(score("upsampling", name, () -> {
                NDArray frames = VideoTensors.framesInner(heldOutVideos(s.videos()));
                NDArray lowRes = ImageConcatWithNoiseAugmentation.resize(frames, low[0], low[1]);
                return decode(up.latents(m, lowRes, frames(), level, s.sampling(), null), DecoderChoice.IMAGE);
            }));
        }
        return rows;
    }

    /** Every comparison whose networks are present, each row passed to {@code onRow} as soon as it is scored. */
    public List<Row> all(Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        Consumer<Row> add = r -> {
            rows.add(r);
            if (onRow != null) {
                onRow.accept(r);
            }
        };
        add.accept(realReference());
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

    /**
     * CLIPSIM (mean frame-prompt cosine of a CLIP model) of image-LDM-per-frame and video LDM samples for one prompt:
     * our driving models are unconditional, so this measures how much the videos look like what the prompt says.
     */
    public List<Row> clipSim(CLIPSim sim, String prompt) {
        List<Row> rows = new ArrayList<>();
        for (boolean video : new boolean[] {false, true}) {
            long t0 = System.nanoTime();
            try (NDManager scope = m.newSubManager()) {
                NDArray v = video ? decode(videoLdmLatents(), DecoderChoice.IMAGE)
                        : decode(base.sampleImageFrames(scope, s.videos(), frames(), latentShape(), s.sampling(), null), DecoderChoice.IMAGE);
                v.attach(scope);
                NDArray uint8 = Preprocess.toUint8Clips(v);
                List<NDArray> videos = new ArrayList<>();
                List<String> prompts = new ArrayList<>();
                for (int i = 0; i < uint8.getShape().get(0); i++) {
                    videos.add(uint8.get(i));
                    prompts.add(prompt);
                }
                MetricResult r = sim.compute(videos, prompts, s.featureBatch());
                rows.add(new Row("CLIPSIM '" + prompt + "'", video ? "video LDM" : "image LDM per frame", r.metric(), r.value(), r.generatedCount(), 0,
                        FrameChange.mean(v), (System.nanoTime() - t0) / 1e9));
            }
        }
        return rows;
    }

    /** FVD of two sets of videos {@code [N, T, 3, H, W]} in [-1, 1] with this detector (0 for a set against itself). */
    public MetricResult fvd(NDArray generated, NDArray reference) {
        return FVD.fromFeatures(detector, features(generated), features(reference), (int) generated.getShape().get(1), true);
    }

    /** The rows as a Tablesaw table (one row per variant, with its sample counts). */
    public static Table table(String title, List<Row> rows) {
        Table t = Table.create(title);
        t.addColumns(StringColumn.create("comparison"), StringColumn.create("variant"), StringColumn.create("metric"), DoubleColumn.create("value"),
                IntColumn.create("generated"), IntColumn.create("real"), DoubleColumn.create("frame change"), DoubleColumn.create("seconds"));
        for (Row r : rows) {
            t.stringColumn(0).append(r.comparison());
            t.stringColumn(1).append(r.variant());
            t.stringColumn(2).append(r.metric());
            t.doubleColumn(3).append(r.generated() == 0 ? Double.NaN : Math.round(r.value() * 1e4) / 1e4);
            t.intColumn(4).append(r.generated());
            t.intColumn(5).append(r.real());
            t.doubleColumn(6).append(Math.round(r.frameChange() * 1e4) / 1e4);
            t.doubleColumn(7).append(Math.round(r.seconds() * 10) / 10.0);
        }
        return t;
    }

    private interface Videos {
        NDArray make();
    }

    private Row score(String comparison, String variant, Videos videos) {
        long t0 = System.nanoTime();
        try (NDManager scope = m.newSubManager()) {
            NDArray v = videos.make();
            v.attach(scope);
            MetricResult r = FVD.fromFeatures(detector, features(v), realFeatures, frames(), true);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Row(comparison, variant, r.metric(), r.value(), r.generatedCount(), r.realCount(), FrameChange.mean(v), seconds);
        }
    }

    /** Scaled latents to videos {@code [N, T, 3, H, W]} in [-1, 1]. */
    private NDArray decode(NDArray latents, DecoderChoice decoder) {
        NDArray pixels = base.decode(latents, frames(), decoder, frames(), null).clip(-1f, 1f);
        return VideoTensors.videosOf(pixels, frames());
    }

    /** Video LDM samples, drawn once and shared by the two comparisons that use them. */
    private NDArray videoLdmLatents() {
        if (videoLdmLatents == null) {
            videoLdmLatents = base.sampleVideo(m, s.videos(), frames(), latentShape(), s.sampling(), null);
        }
        return videoLdmLatents;
    }

    /** {@code n} held-out clips, cycling through them when there are fewer. */
    private NDArray heldOutVideos(int n) {
        long count = real.getShape().get(0);
        if (n <= count) {
            return real.get("0:" + n);
        }
        long[] index = new long[n];
        for (int i = 0; i < n; i++) {
            index[i] = i % count;
        }
        return real.get(m.create(index));
    }

    private ai.djl.ndarray.types.Shape latentShape() {
        return base.latentShape((int) real.getShape().get(3), (int) real.getShape().get(4));
    }

    private double[][] features(NDArray videos) {
        try (NDManager scope = m.newSubManager()) {
            NDArray uint8 = Preprocess.toUint8Clips(videos);
            uint8.attach(scope);
            return FeatureExtractor.features(detector, uint8, s.featureBatch());
        }
    }

    private void require(String name) {
        folder.require(name);
    }

    @Override
    public void close() {
        m.close();
    }
}
