package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.videoldm.data.SubjectFrames;
import org.videoldm.data.VideoReader;
import org.videoldm.diffusion.GeneralConditioner;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.Denoisers;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.DiffusionLoss;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.DiscreteSampling;
import org.videoldm.train.EDMSampling;
import org.videoldm.train.LossWeighting;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.TrainingListener;

/**
 * Personalised text-to-video (paper Sec. 4.2, after DreamBooth, Ruiz et al. 2023): the spatial UNet of a text-conditioned
 * folder is fine-tuned on a few frames of one subject bound to a rare-token prompt ("a sks road"). Prior preservation
 * keeps the class: every batch pairs its B instance rows with B images the base model sampled from the class prompt
 * ("a road") before fine-tuning, trained under that prompt. The loss is {@code mean(w_i l_i)} over the 2B rows, w = 1 on
 * instance rows and lambda ({@code priorWeight}) on prior rows, i.e. DreamBooth's {@code L_instance + lambda L_prior}
 * halved. Every spatial weight trains; the text encoder stays frozen; the parent's denoiser and loss are kept.
 *
 * <p>The personalised video LDM is the base video LDM's temporal layers, unchanged, on the fine-tuned spatial weights: the
 * paper's point that temporal layers trained once carry over to a personalised image backbone.
 */
public final class DreamBoothFinetuning {
    public static final String STAGE = "dreambooth";

    /** Settings; {@code batch} counts instance rows (as many prior rows join them). */
    public static final class Settings extends StageSettings<Settings> {
        /** A video, an image, or a folder of them ({@link SubjectFrames}). */
        public Path subject;
        public int subjectFrames = 5;
        public String instancePrompt = "a sks road";
        public String classPrompt = "a road";
        public int priorImages;
        /** lambda: weight of the prior rows' loss. */
        public double priorWeight = 1.0;
        public int priorSteps;
        public double priorGuidance = 5.0;
        public String sampler = "euler";
        /** Images per prompt sampled before and after fine-tuning for the preview and the subject similarity (0: none). */
        public int evalImages;
        /** Training sigmas of EDM parents: image pre-training's log-normal. */
        public double pMean = -1.2;
        public double pStd = 1.2;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            boolean toy = scale == Scale.TOY;
            // DreamBooth fine-tunes at about 1/20 of the pre-training rate; the toy image LDM trained at 3e-4 with 32 frames
            s.steps(toy ? 400 : 800).batch(toy ? 4 : 1).lr(toy ? 5e-5 : 5e-6).warmup(0).emaDecay(0);
            s.priorImages = mode.samples(toy ? 32 : 200);
            s.priorSteps = mode == RunMode.SMOKE ? 2 : toy ? 25 : 50;
            s.evalImages = mode.samples(4);
            return s;
        }

        public Settings subject(Path v) { subject = v; return this; }
        public Settings subjectFrames(int v) { subjectFrames = v; return this; }
        public Settings instancePrompt(String v) { instancePrompt = v; return this; }
        public Settings classPrompt(String v) { classPrompt = v; return this; }
        public Settings priorImages(int v) { priorImages = v; return this; }
        public Settings priorWeight(double v) { priorWeight = v; return this; }
        public Settings priorSampling(int steps, double guidance) { priorSteps = steps; priorGuidance = guidance; return this; }
        public Settings sampler(String v) { sampler = v; return this; }
        public Settings evalImages(int v) { evalImages = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }

        /** The source folder is never the output folder: default {@code runs/checkpoints}. */
        @Override
        public Path checkpointsOrDefault() {
            return checkpoints != null ? checkpoints : projectRoot.resolve("runs").resolve("checkpoints");
        }

        @Override
        public Path outOrDefault() {
            return out != null ? out : projectRoot.resolve("runs").resolve("checkpoints-" + STAGE);
        }

        @Override
        public String commandLine() {
            return String.format(Locale.ROOT, "./videoldm train dreambooth --subject %s --instance-prompt \"%s\" --class-prompt \"%s\" --subject-frames %d "
                    + "--prior-images %d --prior-weight %s --scale %s --seed %d --steps %d", subject == null ? "-" : DreamBoothParts.describe(subject,
                    projectRoot), instancePrompt, classPrompt, subjectFrames, priorImages, priorWeight, scale.key(), seed, steps);
        }

        @Override
        public JsonObject toJson() {
            JsonObject o = super.toJson();
            o.remove("data");
            o.addProperty("subject", subject == null ? null : DreamBoothParts.describe(subject, projectRoot));
            return o;
        }
    }

    private final Settings s;

    public DreamBoothFinetuning(Settings settings) {
        this.s = settings;
    }

    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        if (s.subject == null) {
            throw new IllegalArgumentException("dreambooth: no subject given (--subject: a video, an image, or a folder of them)");
        }
        if (s.priorImages < 1 || s.batch < 1 || s.priorSteps < 1) {
            throw new IllegalArgumentException("dreambooth: --prior-images, --batch and the prior sampling steps must be at least 1");
        }
        CheckpointFolder src = CheckpointFolder.of(s.checkpointsOrDefault());
        Path out = s.outOrDefault();
        if (src.dir().toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(out + ": --out must differ from --checkpoints (the base model is read, never overwritten)");
        }
        Path imagePath = src.require(CheckpointFolder.IMAGE_LDM);
        Path aePath = src.require(CheckpointFolder.AUTOENCODER);
        int[] hw = src.frameSize();
        SubjectFrames.Result subject = SubjectFrames.read(s.subject, s.subjectFrames, hw[0], hw[1], VideoReader.standard());
        Path run = s.runDirOrDefault();
        try (NDManager m = NDManager.newBaseManager()) {
            SavedNetwork base = SavedNetwork.load(imagePath, m);
            if (!(base.module() instanceof UNetModel) || base.module() instanceof VideoUNet || base.module(UNetModel.class).config().context_dim() == null) {
                throw new IllegalArgumentException(imagePath + ": not a text-conditioned image LDM (no cross-attention context); dreambooth needs one "
                        + "(./videoldm train image-ldm --captions, or ./videoldm t2v init)");
            }
            UNetModel unet = base.module(UNetModel.class);
            unet.setTrainable(k -> false);
            SavedNetwork ae = SavedNetwork.load(aePath, m);
            FirstStage first = new FirstStage(ae.module(AutoencoderKL.class), ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aePath
                    + ": no " + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata")), aePath.getFileName().toString());
            ae.module().setTrainable(k -> false);
            JsonObject denoiserSpec = base.denoiser() != null ? base.denoiser() : Denoisers.edm(0.5);
            boolean discrete = Denoisers.isDiscrete(denoiserSpec);
            FrozenCLIPEmbedder embedder = TextToVideoPipeline.loadTextEmbedder(src.dir(), m);
            TextToVideoPipeline pipe = new TextToVideoPipeline(first, unet, denoiserSpec, embedder);
            TextToVideoPipeline.Options sampling = new TextToVideoPipeline.Options(s.sampler, s.priorSteps, s.priorGuidance, s.seed, true);
            int down = first.autoencoder().ddconfig().downFactor();
            Shape latent = new Shape(first.autoencoder().embedDim(), hw[0] / down, hw[1] / down);
            long priorSeed = org.videoldm.util.Seeds.derive(s.seed, 0xD8E1L);
            long instanceSeed = org.videoldm.util.Seeds.derive(s.seed, 0xD8E2L);

            // the prior set comes from the base weights, before any step (and before a resume loads fine-tuned ones)
            Map<String, String> identity = Map.of("class_prompt", s.classPrompt, "instance_prompt", s.instancePrompt, "images",
                    Integer.toString(s.priorImages), "eval_images", Integer.toString(s.evalImages), "sampling", sampling.toString(), "parent",
                    org.videoldm.util.FileHash.sha256(imagePath));
            Map<String, NDArray> prior = DreamBoothParts.priorSet(run.resolve(DreamBoothParts.PRIOR_FILE), s.resume, identity, () -> {
                Map<String, NDArray> made = new LinkedHashMap<>();
                made.put(DreamBoothParts.PRIOR, DreamBoothParts.sample(m, pipe, s.classPrompt, s.priorImages, priorSeed, sampling, latent));
                if (s.evalImages > 0) {
                    made.put(DreamBoothParts.INSTANCE_BEFORE, DreamBoothParts.sample(m, pipe, s.instancePrompt, s.evalImages, instanceSeed, sampling, latent));
                }
                return made;
            }, m);
            float[][] instanceRows = DreamBoothParts.encode(first, subject.frames(), m);
            float[][] priorRows = DreamBoothParts.rows(prior.get(DreamBoothParts.PRIOR));

            int b = s.batch;
            List<String> prompts = new ArrayList<>(Collections.nCopies(b, s.instancePrompt));
            prompts.addAll(Collections.nCopies(b, s.classPrompt));
            float[] weights = new float[2 * b];
            java.util.Arrays.fill(weights, 0, b, 1f);
            java.util.Arrays.fill(weights, b, 2 * b, (float) s.priorWeight);
            GeneralConditioner text = new GeneralConditioner(embedder, 0, GeneralConditioner.EMPTY_PROMPT); // no caption dropout
            double sigmaData = denoiserSpec.has("sigma_data") ? denoiserSpec.get("sigma_data").getAsDouble() : 0.5;
            DiffusionLoss objective = discrete
                    ? new DiffusionLoss(new DiscreteSampling(Denoisers.discretization(denoiserSpec), 1000, false, true), LossWeighting.eps())
                    : new DiffusionLoss(new EDMSampling(s.pMean, s.pStd), LossWeighting.edm(sigmaData));
            DiffusionStage stage = new DiffusionStage(new OpenAIWrapper(unet), Denoisers.fromJson(denoiserSpec), objective,
                    ctx -> new DiffusionStage.Batch(DreamBoothParts.batch(ctx.manager(), instanceRows, priorRows, ctx.random(), b, latent),
                            text.forward(ctx.manager(), prompts, 0, 1), null))
                    .withRowWeights((batch, ctx) -> ctx.manager().create(weights));
            unet.setTrainable(k -> true);
            StageRuns.Timing timing = StageRuns.train(stage, unet, s, listener);
            unet.setTrainable(k -> false);

            Map<String, Double> metrics = new TreeMap<>();
            List<String> notes = new ArrayList<>();
            if (s.evalImages > 0) {
                DreamBoothParts.evaluate(s, m, pipe, prior, subject, src.dir(), sampling, latent, new long[] {priorSeed, instanceSeed}, metrics, notes);
            }
            Path csv = run.resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            String who = DreamBoothParts.describe(s.subject, s.projectRoot);
            ModelCard.Data data = new ModelCard.Data(who, subject.sources().size(), subject.frames().size(), 0, hw[0], hw[1], 1, 0);
            notes.add(0, DreamBoothParts.trainingNote(s, imagePath, subject, discrete ? "SD's discrete eps denoiser and DDPM training levels, as the "
                    + "parent" : "EDM (sigma_data " + sigmaData + "), training sigmas log-normal(" + s.pMean + ", " + s.pStd + "), as the parent"));
            ModelCard card = new ModelCard(CheckpointFolder.IMAGE_LDM, STAGE, data, List.of(StageRuns.fileName(imagePath), StageRuns.fileName(aePath),
                    CheckpointFolder.TEXT_ENCODER + ".safetensors"), unet.config().toJson(), s.toJson(), unet.parameterCount(), unet.parameterCount(),
                    s.steps, b, "instance frames (+ as many prior images)", s.seed, StageRuns.trainingSeconds(csv), ModelCard.Machine.current(),
                    finalLoss, metrics, notes);
            Path file = StageRuns.export(s, CheckpointFolder.IMAGE_LDM, unet, SavedNetwork.meta().from(base), card);
            DreamBoothParts.copyBesides(src.dir(), out);
            if (src.has(CheckpointFolder.VIDEO_LDM)) {
                personaliseVideo(m, src, unet, card);
            }
            return new StageResult(STAGE, file, out.resolve(CheckpointFolder.IMAGE_LDM + ".md"), run, csv, s.steps, timing.steps(), finalLoss,
                    timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** The base video LDM's temporal layers, unchanged, on the fine-tuned spatial weights, exported as {@code video_ldm}. */
    private void personaliseVideo(NDManager m, CheckpointFolder src, UNetModel image, ModelCard imageCard) {
        try (NDManager scope = m.newSubManager()) {
            SavedNetwork baseVideo = SavedNetwork.load(src.network(CheckpointFolder.VIDEO_LDM), scope);
            VideoUNet video = baseVideo.module(VideoUNet.class);
            if (video.config().context_dim() == null) {
                System.err.println(STAGE + ": " + src.network(CheckpointFolder.VIDEO_LDM) + " is not text-conditioned: no personalised video_ldm written");
                return;
            }
            TemporalParameters.copySpatial(image, video);
            TemporalParameters.Report report = TemporalParameters.report(video);
            ModelCard card = new ModelCard(CheckpointFolder.VIDEO_LDM, STAGE, imageCard.data(), List.of(CheckpointFolder.VIDEO_LDM + ".safetensors (base)",
                    CheckpointFolder.IMAGE_LDM + ".safetensors (fine-tuned)"), video.videoConfig().toJson(), s.toJson(), video.parameterCount(),
                    report.spatialCount(), s.steps, s.batch, imageCard.batchUnit(), s.seed, imageCard.wallSeconds(), imageCard.machine(),
                    imageCard.finalLoss(), imageCard.metrics(), List.of(String.format(Locale.ROOT, "Personalised video LDM: the temporal layers of the base "
                    + "`%s` (%,d parameters) inserted unchanged into the spatial weights (%,d parameters) of the DreamBooth-fine-tuned `%s` beside it "
                    + "(TemporalParameters.copySpatial). The temporal layers never saw the subject; they were trained on the base spatial weights.",
                    CheckpointFolder.VIDEO_LDM, report.temporalCount(), report.spatialCount(), CheckpointFolder.IMAGE_LDM), imageCard.notes().get(0)));
            // a float32 base stays float32: rounding would change the temporal layers this model promises to keep
            StageRuns.export(s, CheckpointFolder.VIDEO_LDM, video, SavedNetwork.meta().from(baseVideo), card,
                    s.float16 && !"float32".equals(baseVideo.get(SavedNetwork.KEY_DTYPE)));
        }
    }
}
