package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.Clip;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.data.ClipCaptions;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.model.clip.BpeTrainer;
import org.videoldm.model.clip.CLIPConfig;
import org.videoldm.model.clip.CLIPImageProcessor;
import org.videoldm.model.clip.CLIPModel;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.nn.Module;
import org.videoldm.train.ContrastiveLoss;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainingListener;
import org.videoldm.train.TrainingStage;

/**
 * Trains a toy CLIP (transformers' {@link CLIPModel}: a causal text transformer and a ViT, projected into one space) on
 * (frame, caption) pairs: a frame of each training clip against the clip's caption (procedural scenes captioned from
 * their parameters, real clips by caption files and sidecars), with CLIP's symmetric InfoNCE and learned temperature
 * ({@link ContrastiveLoss}). The tokenizer is a byte-level BPE learnt from the training captions ({@link BpeTrainer}) in
 * CLIP's file format. Frames go through CLIP's own preprocessing at the toy image size, as CLIPSIM-toy will feed them.
 * Exports the CLIP folder ({@link ClipExport}) with a card holding the held-out zero-shot accuracies ({@link ClipZeroShot}).
 */
public final class ClipTraining {
    public static final String STAGE = "clip";

    public static final class Settings extends StageSettings<Settings> {
        public int width = 64;
        public int layers = 3;
        public int heads = 2;
        public int imageSize = 64;
        public int patchSize = 8;
        public int projectionDim = 64;
        public int maxPositions = 77;
        /** Merges of the toy BPE at most (it stops earlier once every caption word is one token). */
        public int maxMerges = 4000;
        public List<Path> captionFiles = new ArrayList<>();
        /** Held-out clips the zero-shot accuracies are measured on (one frame each, per data source). */
        public int validationClips;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            s.steps(scale == Scale.TOY ? 1500 : 30_000).batch(32).lr(5e-4).warmup(100).emaDecay(0);
            s.validationClips = mode.samples(400);
            return s;
        }

        public Settings captionFiles(List<Path> v) { captionFiles = new ArrayList<>(v); return this; }
        public Settings size(int w, int l, int h) { width = w; layers = l; heads = h; return this; }
        public Settings image(int size, int patch) { imageSize = size; patchSize = patch; return this; }
        public Settings validationClips(int v) { validationClips = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        public String commandLine() {
            StringBuilder sb = new StringBuilder(super.commandLine()).append(String.format(java.util.Locale.ROOT,
                    " --batch %d --width %d --layers %d --heads %d --image-size %d --patch-size %d", batch, width, layers, heads, imageSize, patchSize));
            if (!captionFiles.isEmpty()) {
                sb.append(" --captions");
                captionFiles.forEach(f -> sb.append(' ').append(f));
            }
            return sb.toString();
        }

        /** Same width and depth for both towers, as a toy needs nothing else; the vocabulary comes from the captions. */
        public CLIPConfig config(int vocab) {
            CLIPTextConfig t = new CLIPTextConfig(vocab, width, 4 * width, projectionDim, layers, heads, maxPositions, "quick_gelu", 1e-5,
                    vocab - 1, vocab - 2, vocab - 1);
            CLIPVisionConfig v = new CLIPVisionConfig(width, 4 * width, projectionDim, layers, heads, 3, imageSize, patchSize, "quick_gelu", 1e-5);
            return new CLIPConfig(t, v, projectionDim, CLIPConfig.LOGIT_SCALE_INIT);
        }
    }

    private final Settings s;

    public ClipTraining(Settings settings) {
        this.s = settings;
    }

    /** Frames as CLIP pixel values [B, 3, S, S] and their captions as ids [B, L]. */
    record Batch(NDArray pixels, NDArray ids) {}

    /**
     * Padding to the batch's longest caption instead of the full context: under the causal mask no token sees the
     * padding after it, so the pooled (end-of-text) features, all the contrastive loss uses, are exactly those of full
     * padding, at a fraction of the cost (captions take about 40 of the 77 positions).
     */
    static int paddedLength(CLIPTokenizer tokenizer, List<String> texts, int max) {
        int longest = 2;
        for (String t : texts) {
            longest = Math.max(longest, tokenizer.encode(t).length);
        }
        return Math.min(max, longest);
    }

    /** The captioned training clips and their captions. */
    record Pairs(ClipSource clips, ClipCaptions captions) {}

    static final class Step implements TrainingStage<Batch> {
        private final CLIPModel model;
        private final ClipSampler clips;
        private final ClipCaptions captions;
        private final CLIPTokenizer tokenizer;
        private final CLIPImageProcessor processor;
        private final int batch;

        Step(CLIPModel model, ClipSampler clips, ClipCaptions captions, CLIPTokenizer tokenizer, int batch) {
            this.model = model;
            this.clips = clips;
            this.captions = captions;
            this.tokenizer = tokenizer;
            this.processor = new CLIPImageProcessor(model.config().vision_config().image_size());
            this.batch = batch;
        }

        @Override
        public Module module() {
            return model;
        }

        @Override
        public Batch batch(StepContext ctx) {
            List<Clip> drawn = clips.clips(ctx, batch);
            byte[][] frames = new byte[drawn.size()][];
            List<String> text = new ArrayList<>();
            for (int i = 0; i < drawn.size(); i++) {
                Clip c = drawn.get(i);
                // any frame of the clip: the caption describes the whole clip
                frames[i] = c.frame(ctx.random().nextInt(c.frames())).rgb();
                text.add(captions.caption(c.id()));
            }
            Clip first = drawn.get(0);
            return new Batch(processor.pixelValues(ctx.manager(), frames, first.height(), first.width()),
                    ctx.manager().create(tokenizer.encodeBatch(text, paddedLength(tokenizer, text, model.config().text_config().max_position_embeddings()))));
        }

        @Override
        public NDArray loss(Batch b, StepContext ctx) {
            return ContrastiveLoss.loss(model.imageEmbeds(b.pixels()), model.textEmbeds(b.ids()), model.logitScale());
        }
    }

    /** The training clips that have a caption, and all captions. */
    static Pairs pairs(Settings s, ClipDataset ds) {
        ClipCaptions captions = ClipCaptions.of(ds, s.captionFiles);
        ClipSource captioned = ClipSource.filtered(ds.train(), id -> captions.caption(id) != null);
        if (captioned.size() == 0) {
            throw new IllegalArgumentException("data '" + s.data + "': no training clip has a caption (procedural clips are captioned from their "
                    + "scenes; give your videos a captions.txt or --captions FILE, see datasets/README.md)");
        }
        return new Pairs(captioned, captions);
    }

    /** The tokenizer's vocabulary, learnt from the captions of the training clips (a pure function of them). */
    static BpeTrainer.Vocabulary vocabulary(Pairs p, int maxMerges) {
        List<String> texts = new ArrayList<>(p.clips().size());
        for (int i = 0; i < p.clips().size(); i++) {
            texts.add(p.captions().caption(p.clips().clipId(i)));
        }
        return BpeTrainer.train(texts, maxMerges, 2);
    }

    /** Trains (or resumes), measures zero-shot accuracies on held-out frames, exports the CLIP folder and the text encoder. */
    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        Path folder = s.outOrDefault().resolve(CheckpointFolder.CLIP_TOY);
        var done = StageRuns.finished(STAGE, s, s.runDirOrDefault(), folder.resolve("model.safetensors"), s.outOrDefault().resolve(CheckpointFolder.CLIP_TOY + ".md"),
                s.steps);
        if (done.isPresent()) {
            return done.get();
        }
        ClipDataset ds = StageRuns.clips(s, false); // never mirrored: captions say left and right
        Pairs pairs = pairs(s, ds);
        System.err.println(pairs.captions().summary() + "; " + pairs.clips().size() + " captioned training clips");
        BpeTrainer.Vocabulary vocab = vocabulary(pairs, s.maxMerges);
        Path tokDir = s.runDirOrDefault().resolve("tokenizer");
        vocab.write(tokDir);
        CLIPTokenizer tokenizer = CLIPTokenizer.fromDirectory(tokDir);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) s.seed);
            CLIPModel model = new CLIPModel(m, s.config(vocab.size()));
            model.initForTraining(s.seed);
            model.setTrainable(k -> true);
            Step step = new Step(model, new ClipSampler(pairs.clips(), s.seed, 1, s.dataShares()), pairs.captions(), tokenizer, s.batch);
            StageRuns.Timing timing;
            try (Trainer<Batch> t = new Trainer<>(step, StageRuns.trainerConfig(s))) {
                StageRuns.resumeOrStart(t, s);
                timing = StageRuns.runTo(t, s.steps, listener);
            }
            model.setTrainable(k -> false);
            Map<String, Double> metrics = new TreeMap<>();
            ClipZeroShot.measure(model, tokenizer, ds.validation(), pairs.captions(), SceneLabels.of(s.dataDirs()), s.validationClips, s.seed,
                    metrics, m);
            metrics.forEach((k, v) -> System.out.printf(java.util.Locale.ROOT, "%-55s %.4f%n", k, v));
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            ClipExport.Result out = ClipExport.write(s, ds, model, vocab, metrics, csv);
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, out.weights(), out.card(), s.runDirOrDefault(), csv, s.steps, timing.steps(),
                    StageRuns.finalLoss(csv, 50), timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }
}
