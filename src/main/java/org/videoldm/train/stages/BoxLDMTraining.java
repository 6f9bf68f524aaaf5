package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.diffusion.BoxLDMWrapper;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.model.BoxEmbedder;
import org.videoldm.model.BoxLDM;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetConfig;
import org.videoldm.pipeline.BoxLDMPipeline;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.DataOrder;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.TrainingListener;
import org.videoldm.util.Seeds;

/**
 * The bounding-box-conditioned image LDM (paper Sec. 4.1, driving simulation): single frames of procedural clips, each
 * with the exact boxes of the cars it shows ({@link DrivingSceneRenderer#boxes}), the boxes' tokens read by the UNet's
 * cross-attention ({@link BoxEmbedder}, trained with it). The layout of a frame is dropped (every token null) with
 * probability {@code ucgRate}, for classifier-free guidance. A frame mirrored left-right has its boxes mirrored. EDM
 * preconditioning and loss as image pre-training. Exports {@code box_ldm.safetensors}.
 */
public final class BoxLDMTraining {
    public static final String STAGE = "box_ldm";
    private static final long DROPOUT = 0xB0C5L;

    /** Settings; {@code batch} counts frames (one per clip). */
    public static final class Settings extends LatentDiffusionSettings<Settings> {
        /** Layout dropout for classifier-free guidance. */
        public double ucgRate = 0.1;
        /** Box tokens (procedural scenes have at most 4 cars). */
        public int maxBoxes = 8;
        public int numFreqs = 8;
        /** Width of the box tokens: the UNet's context_dim. */
        public int contextDim = 64;
        public int previewSamples;
        public double previewGuidance = 3;

        /** Training sigmas as image pre-training. */
        Settings(Scale scale, RunMode mode) {
            super(scale, mode, -1.2, 1.2);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = ImageLDMTraining.Settings.schedule(new Settings(scale, mode));
            s.previewSamples = mode.samples(8);
            return s;
        }

        public Settings ucgRate(double v) { ucgRate = v; return this; }
        public Settings previewSamples(int v) { previewSamples = v; return this; }
        public Settings previewGuidance(double v) { previewGuidance = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        public String commandLine() {
            return super.commandLine() + " --ucg-rate " + ucgRate;
        }

        @Override
        protected List<String> jsonOrder() {
            return List.of("autoencoder", "sigmaData", "pMean", "pStd", "flip", "ucgRate", "maxBoxes", "numFreqs", "contextDim", "previewSamples",
                    "previewSteps", "previewGuidance");
        }
    }

    /** The UNet of the stage: the scale's image UNet, its cross-attention reading {@code contextDim}-wide box tokens. */
    static UNetConfig unetConfig(Settings s) {
        JsonObject o = s.scale.imageUNet().toJson();
        o.addProperty("context_dim", s.contextDim);
        return UNetConfig.fromJson(o);
    }

    private final Settings s;

    public BoxLDMTraining(Settings settings) {
        this.s = settings;
    }

    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, CheckpointFolder.BOX_LDM);
        if (done.isPresent()) {
            return done.get();
        }
        Path aePath = s.autoencoderOrDefault();
        // the cache is not mirrored: a frame is mirrored here, with its boxes
        LatentCaching.Result cache = LatentCaching.ensure(s, aePath, false);
        try (NDManager m = NDManager.newBaseManager(); LatentDataset latents = LatentDataset.open(cache.train())) {
            Engine.getInstance().setRandomSeed((int) s.seed);
            BoxLDM model = new BoxLDM(m, unetConfig(s), new BoxEmbedder.Config(s.maxBoxes, s.numFreqs, s.contextDim, s.contextDim));
            model.setTrainable(k -> true);
            Frames frames = new Frames(latents, sources(), s);
            Denoiser den = ImageLDMTraining.denoiser(s.sigmaData);
            DiffusionStage stage = new DiffusionStage(new BoxLDMWrapper(model), den,
                    new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(s.sigmaData)), ctx -> frames.batch(ctx, model.embedder()));
            StageRuns.Timing timing = StageRuns.train(stage, model, s, listener);
            model.setTrainable(k -> false);
            Path preview = s.previewSamples > 0 ? preview(m, aePath, cache.scaleFactor(), model, den) : null;
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("scale_factor", cache.scaleFactor());
            List<String> notes = new ArrayList<>();
            notes.add("Conditioned on the exact car boxes of procedural frames: " + s.maxBoxes + " box tokens (Fourier features of the normalised "
                    + "corners, " + s.numFreqs + " frequencies, MLP, a learned car embedding; empty slots a learned null token) after a layout token, "
                    + "read by cross-attention (context_dim " + s.contextDim + "); layout dropout (ucg_rate) " + s.ucgRate + ".");
            notes.add("EDM preconditioning (sigma_data " + s.sigmaData + "); EMA weights (decay " + s.emaDecay + "). Sample with classifier-free "
                    + "guidance against the dropped layout.");
            ModelCard card = new ModelCard(CheckpointFolder.BOX_LDM, STAGE, cache.data(), List.of(StageRuns.fileName(aePath)), model.toJson(), s.toJson(),
                    model.parameterCount(), model.parameterCount(), s.steps, s.batch, "frames", s.seed, StageRuns.trainingSeconds(csv),
                    ModelCard.Machine.current(), finalLoss, metrics, notes);
            SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(Denoisers.edm(s.sigmaData)).scaleFactor(cache.scaleFactor()).frames(1)
                    .frameSize(s.scale.height(), s.scale.width());
            Path file = StageRuns.export(s, CheckpointFolder.BOX_LDM, model, meta, card);
            if (preview != null) {
                System.err.println(STAGE + ": samples in " + preview);
            }
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(CheckpointFolder.BOX_LDM + ".md"), s.runDirOrDefault(), csv, s.steps,
                    timing.steps(), finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** The procedural generators of the stage's data folders, by folder name; real videos have no exact boxes. */
    private Map<String, SyntheticDriving> sources() {
        Map<String, SyntheticDriving> out = new HashMap<>();
        for (Path d : s.dataDirs()) {
            SyntheticDriving g = SyntheticDriving.fromManifest(d);
            if (g == null) {
                throw new IllegalArgumentException(d + ": not a procedural folder; the box LDM trains on procedural clips, whose car boxes are exact");
            }
            out.put(d.getFileName().toString(), g);
        }
        return out;
    }

    /** One random frame of each drawn clip, with its boxes; mirrored frames with mirrored boxes. */
    static final class Frames {
        private final LatentDataset data;
        private final Map<String, SyntheticDriving> sources;
        private final DataOrder order;
        private final Settings s;
        private final int frames;

        Frames(LatentDataset data, Map<String, SyntheticDriving> sources, Settings s) {
            this.data = data;
            this.sources = sources;
            this.order = DataOrder.weighted(LatentBatches.weights(data, s.dataShares()), s.seed);
            this.s = s;
            this.frames = (int) data.clipShape().get(0);
            for (int i = 0; i < data.size(); i++) {
                sourceFrames(data.clipId(i)); // fail before training on a clip without exact boxes
            }
        }

        /** The generator, clip index and source frame of each cached frame of a clip id ({@code folder/clip_00012.mp4@start}). */
        private int[] sourceFrames(String id) {
            int slash = id.indexOf('/');
            int at = id.lastIndexOf('@');
            SyntheticDriving g = slash < 0 ? null : sources.get(id.substring(0, slash));
            int index = g == null || at < 0 ? -1 : SyntheticDriving.clipIndex(id.substring(slash + 1, at));
            if (index < 0) {
                throw new IllegalArgumentException("box LDM: cached clip '" + id + "' is not a procedural clip, so it has no exact boxes");
            }
            int start = Integer.parseInt(id.substring(at + 1));
            for (int[] w : s.scale.clipOptions(s.seed).windows(g.frames(), SyntheticDriving.FPS)) {
                if (w[0] == start && w.length == frames) {
                    return w;
                }
            }
            throw new IllegalArgumentException("box LDM: cannot place cached clip '" + id + "' in its procedural video (another clip rate?)");
        }

        DiffusionStage.Batch batch(StepContext ctx, BoxEmbedder embedder) {
            int[] idx = order.batch(ctx.step(), ctx.micro(), 1, s.batch);
            NDArray clips = data.scaledBatch(idx, ctx.manager());
            NDList rows = new NDList();
            List<List<double[]>> boxes = new ArrayList<>();
            boolean[] given = new boolean[idx.length];
            SplittableRandom drops = new SplittableRandom(Seeds.derive(ctx.seed(), DROPOUT, ctx.step(), ctx.micro()));
            for (int i = 0; i < idx.length; i++) {
                String id = data.clipId(idx[i]);
                int k = ctx.random().nextInt(frames);
                boolean mirror = s.flip && ctx.random().nextBoolean();
                NDArray frame = clips.get(new NDIndex("{}, {}", i, k));
                rows.add(mirror ? frame.flip(2) : frame);
                SyntheticDriving g = sources.get(id.substring(0, id.indexOf('/')));
                int clip = SyntheticDriving.clipIndex(id.substring(id.indexOf('/') + 1, id.lastIndexOf('@')));
                List<double[]> row = new ArrayList<>();
                for (BoundingBox b : DrivingSceneRenderer.boxes(g.scene(clip), sourceFrames(id)[k], g.height(), g.width())) {
                    if (row.size() < embedder.config().max_boxes()) {
                        row.add((mirror ? b.mirrored() : b).corners());
                    }
                }
                boxes.add(row);
                given[i] = !(drops.nextDouble() < s.ucgRate);
            }
            return new DiffusionStage.Batch(NDArrays.stack(rows), Conditioning.crossattn(embedder.pack(ctx.manager(), boxes, given)), null);
        }
    }

    /** Samples for the boxes of a few procedural frames (seeds the training data does not use), in a two-row grid beside nothing else. */
    private Path preview(NDManager m, Path aePath, double scaleFactor, BoxLDM model, Denoiser den) {
        try (NDManager scope = m.newSubManager()) {
            BoxLDMPipeline p = new BoxLDMPipeline(model, den, StageRuns.firstStage(aePath, scaleFactor, scope));
            SyntheticDriving g = new SyntheticDriving(s.previewSamples, 1, s.scale.height(), s.scale.width(), s.seed + 2000);
            List<List<BoundingBox>> layouts = new ArrayList<>();
            List<RgbFrame> truth = new ArrayList<>();
            for (int i = 0; i < s.previewSamples; i++) {
                layouts.add(DrivingSceneRenderer.boxes(g.scene(i), 0, s.scale.height(), s.scale.width()));
                truth.add(g.clip(i).frame(0));
            }
            List<RgbFrame> samples = p.images(scope, layouts, s.scale.height(), s.scale.width(),
                    new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed), s.previewGuidance);
            return StageRuns.writePreview(s, List.of(truth, samples)); // row 1: the scenes the boxes come from; row 2: samples for their boxes
        }
    }
}
