package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextGuider;
import org.videoldm.diffusion.ContextLabelGuider;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.Guider;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.Rollout;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.diffusion.SamplerStep;
import org.videoldm.diffusion.VanillaCFG;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * Long videos from the paper's prediction model (Sec. 3.2): the first T-frame window is generated from nothing
 * (S = 0) or continues given context frames; every further window is conditioned on the last S frames so far
 * (S = 2 by default) with context guidance ({@link ContextGuider}: classifier-free guidance against the same model
 * with the context dropped), until N frames exist; a label-conditioned model can add label guidance
 * ({@link ContextLabelGuider}). Video i uses a seed derived from (seed, i) and window w of it a
 * seed derived from that and w, so a video is the same whether one or ten are asked for. Works on scaled latents;
 * {@link #generate} decodes them through a {@link VideoLDMPipeline}'s decoders.
 */
public final class LongVideoPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final int windowFrames;
    private final Shape latentFrame;
    private Progress.Mode progress = Progress.Mode.AUTO;

    /**
     * @param network the prediction model (a VideoUNet taking latents + masked context latents + mask)
     * @param windowFrames T, the frames it generates at once
     * @param latentFrame one latent frame [C, h, w]
     */
    public LongVideoPipeline(DiffusionNetwork network, Denoiser denoiser, int windowFrames, Shape latentFrame) {
        this.network = network;
        this.denoiser = denoiser;
        this.windowFrames = windowFrames;
        this.latentFrame = latentFrame;
    }

    private int modelChannels() {
        // Networks other than our UNets: assume Stable Diffusion's width, the largest we load.
        return network instanceof OpenAIWrapper w ? w.unet().config().model_channels() : 320;
    }

    /** The prediction model of a checkpoints folder ({@code prediction.safetensors}). */
    public static LongVideoPipeline load(Path dir, NDManager m) {
        SavedNetwork n = SavedNetwork.load(CheckpointFolder.of(dir).require(CheckpointFolder.PREDICTION), m);
        VideoUNet unet = n.module(VideoUNet.class);
        unet.setTrainable(k -> false);
        return new LongVideoPipeline(new OpenAIWrapper(unet), Denoisers.fromJson(n.denoiser()), n.frames().orElseThrow(
                () -> new IllegalArgumentException(n.path() + ": no " + SavedNetwork.KEY_FRAMES + " in its metadata")), latentFrame(n));
    }

    /** The latent frame [C, h, w] a saved mask-conditioned or upsampler network was trained on (its conditioning metadata). */
    static Shape latentFrame(SavedNetwork n) {
        JsonObject c = n.conditioning();
        if (c == null || !c.has("latent_frame")) {
            throw new IllegalArgumentException(n.path() + ": no latent_frame in its " + SavedNetwork.KEY_CONDITIONING + " metadata");
        }
        long[] dims = c.getAsJsonArray("latent_frame").asList().stream().mapToLong(e -> e.getAsLong()).toArray();
        return new Shape(dims);
    }

    /** Progress over all windows of all videos (AUTO: a bar on a terminal, sparse lines elsewhere). */
    public LongVideoPipeline progress(Progress.Mode mode) {
        this.progress = mode;
        return this;
    }

    public int windowFrames() {
        return windowFrames;
    }

    public Shape latentFrame() {
        return latentFrame;
    }

    public DiffusionNetwork network() {
        return network;
    }

    /**
     * @param sampling sampler, steps and seed
     * @param contextFrames S, the frames carried from one window to the next (1 or 2; the model was trained on 0, 1, 2)
     * @param contextGuidance the context guidance scale s_c >= 1 (1 = none: the unconditional branch is skipped)
     * @param labelGuidance the label guidance scale s_l >= 1 of a label-conditioned model, used only when labels are given
     *     (1 = none: the labels condition every branch, as without label guidance)
     * @param guidanceOrder which condition {@link ContextLabelGuider} adds first when both are guided
     */
    public record Options(VideoLDMPipeline.Options sampling, int contextFrames, double contextGuidance, double labelGuidance,
            ContextLabelGuider.Order guidanceOrder) {
        public Options {
            if (contextGuidance < 1) {
                throw new IllegalArgumentException("long video: the context guidance scale must be at least 1, got " + contextGuidance);
            }
            if (!(labelGuidance >= 1)) {
                throw new IllegalArgumentException("long video: the label guidance scale must be at least 1, got " + labelGuidance);
            }
            if (contextFrames < 1) {
                throw new IllegalArgumentException("long video: at least one context frame is carried between windows, got " + contextFrames);
            }
        }

        /** Context guidance only: label guidance 1, so labels, if any, just condition the model. */
        public Options(VideoLDMPipeline.Options sampling, int contextFrames, double contextGuidance) {
            this(sampling, contextFrames, contextGuidance, 1.0, ContextLabelGuider.Order.LABELS_FIRST);
        }

        /** Heun 30 steps, seed 0, S = 2, context guidance 2, label guidance 3 (as for clips; only with labels), labels first. */
        public static Options defaults() {
            return new Options(VideoLDMPipeline.Options.defaults(), 2, 2.0, 3.0, ContextLabelGuider.Order.LABELS_FIRST);
        }

        public Options withSampling(VideoLDMPipeline.Options s) {
            return new Options(s, contextFrames, contextGuidance, labelGuidance, guidanceOrder);
        }

        public Options withContextFrames(int s) {
            return new Options(sampling, s, contextGuidance, labelGuidance, guidanceOrder);
        }

        public Options withContextGuidance(double scale) {
            return new Options(sampling, contextFrames, scale, labelGuidance, guidanceOrder);
        }

        public Options withLabelGuidance(double scale) {
            return new Options(sampling, contextFrames, contextGuidance, scale, guidanceOrder);
        }

        public Options withGuidanceOrder(ContextLabelGuider.Order order) {
            return new Options(sampling, contextFrames, contextGuidance, labelGuidance, order);
        }
    }

    /** The rollout these options describe without label guidance (see {@link #rollout(Options, boolean)}). */
    public Rollout rollout(Options o) {
        return rollout(o, false);
    }

    /**
     * The rollout these options describe. The first window, when it starts from nothing, has no context to guide towards:
     * it is sampled unguided, or with label guidance alone ({@link VanillaCFG}, which is what {@link ContextLabelGuider}
     * amounts to when the context is empty). Later windows use context guidance, or context and label guidance together.
     *
     * @param labelGuided whether label guidance applies (labels given and a label scale other than 1); the samplers then
     *     need the labels-dropped conditioning as {@code uc}
     */
    public Rollout rollout(Options o, boolean labelGuided) {
        VideoLDMPipeline.Options s = o.sampling();
        boolean contextGuided = o.contextGuidance() != 1;
        Guider later = labelGuided ? new ContextLabelGuider(o.contextGuidance(), o.labelGuidance(), o.guidanceOrder())
                : contextGuided ? new ContextGuider(o.contextGuidance()) : null;
        Guider first = labelGuided ? new VanillaCFG(o.labelGuidance()) : null;
        DiffusionSampler guided = Samplers.create(s.sampler(), s.steps(), later).progress(Progress.Mode.QUIET);
        DiffusionSampler firstWindow = Samplers.create(s.sampler(), s.steps(), first).progress(Progress.Mode.QUIET);
        return new Rollout(guided, denoiser.bind(network), windowFrames, o.contextFrames()).firstWindowSampler(firstWindow);
    }

    /** How many windows (sampler runs) one video of {@code totalFrames} frames takes. */
    public int windows(int totalFrames, Options o, boolean givenContext) {
        return rollout(o).windows(totalFrames, givenContext ? o.contextFrames() : 0);
    }

    /**
     * Scaled latents of {@code videos} videos of {@code totalFrames} frames, [(b N), C, h, w] in {@code m}.
     *
     * @param initialContext [(b S), C, h, w] scaled latents that start each video (kept as its first S frames), or null
     * @param onWindow called after each window of each video (may be null)
     * @param onStep called after every sampler step (may be null); its index counts steps over the whole call
     */
    public NDArray latents(NDManager m, int videos, int totalFrames, NDArray initialContext, Options o, Rollout.WindowCallback onWindow,
            SamplerCallback onStep) {
        return latents(m, videos, totalFrames, initialContext, o, null, onWindow, onStep);
    }

    /**
     * As above, for a label-conditioned prediction model ({@code num_classes: sequential}): every window of every video
     * sees {@code labelVector} as its {@code y} (null: the all-zero vector, every label free). With a label guidance scale
     * other than 1, label guidance pushes away from the all-zero vector, the labels dropped as in training
     * ({@link ContextLabelGuider}); at 1, context guidance keeps the labels in both of its branches.
     */
    public NDArray latents(NDManager m, int videos, int totalFrames, NDArray initialContext, Options o, float[] labelVector,
            Rollout.WindowCallback onWindow, SamplerCallback onStep) {
        // the module, not the wrapper: a network that passes calls on (recording, timing) keeps its labels
        Integer adm = network.module() instanceof UNetModel u && u.config().num_classes() != null ? u.config().adm_in_channels() : null;
        if (labelVector != null && (adm == null || labelVector.length != adm)) {
            throw new IllegalArgumentException(adm == null ? "long video: the prediction model is not label-conditioned, so labels do not apply"
                    : "long video: a label vector of " + labelVector.length + " for adm_in_channels " + adm);
        }
        if (totalFrames < 1 || videos < 1) {
            throw new IllegalArgumentException("long video: need at least one video and one frame, got " + videos + " x " + totalFrames);
        }
        int s = o.contextFrames();
        if (initialContext != null && initialContext.getShape().get(0) != (long) videos * s) {
            throw new IllegalArgumentException("long video: initial context has " + initialContext.getShape().get(0) + " rows, expected " + videos
                    + " videos x " + s + " frames");
        }
        boolean labelGuided = labelVector != null && o.labelGuidance() != 1;
        int steps = o.sampling().steps();
        int windows = windows(totalFrames, o, initialContext != null);
        int batch = o.sampling().batch() > 0 ? Math.min(o.sampling().batch(), videos)
                : SamplingBatch.choose(videos, windowFrames, latentFrame, modelChannels());
        int calls = (videos + batch - 1) / batch;
        long total = (long) calls * windows * steps;
        NDList out = new NDList();
        try (Progress bar = Progress.start("long video", total, 0, progress)) {
            for (int first = 0; first < videos; first += batch) {
                int count = Math.min(batch, videos - first);
                int call = first / batch;
                String label = count == 1 ? "video " + (first + 1) : "videos " + (first + 1) + "-" + (first + count);
                int[] window = {0};
                try (NDManager scope = m.newSubManager()) {
                    NDArray context = initialContext == null ? null : initialContext.get(first * s + ":" + (first + count) * s);
                    Conditioning cond = Conditioning.none().withVideo(windowFrames, scope.zeros(new Shape(count, windowFrames)));
                    Conditioning uc = null;
                    if (adm != null) {
                        long rows = (long) count * windowFrames;
                        NDArray zero = scope.zeros(new Shape(rows, adm));
                        // "no labels" is the all-zero vector, every group dropped, as label dropout trains it
                        uc = labelGuided ? cond.withVector(zero) : null;
                        cond = cond.withVector(labelVector == null ? zero : scope.create(labelVector, new Shape(1, adm)).repeat(0, rows));
                    }
                    Rollout r = rollout(o, labelGuided).stepCallback(step -> {
                        long done = ((long) call * windows + window[0]) * steps + step.index() + 1;
                        bar.update(done, String.format(Locale.ROOT, "%s/%d window %d/%d", label, videos, window[0] + 1, windows));
                        if (onStep != null) {
                            onStep.onStep(new SamplerStep((int) done - 1, (int) total, step.sigma(), step.nextSigma(), step.x(), step.denoised(),
                                    bar.throughput().iterationsPerSecond(), bar.throughput().etaSeconds()));
                        }
                    });
                    long[] seeds = new long[count];
                    for (int i = 0; i < count; i++) {
                        seeds[i] = Seeds.derive(o.sampling().seed(), first + i);
                    }
                    NDArray x = r.generate(scope, cond, uc, context, seeds, latentFrame, totalFrames, (w, done, n) -> {
                        window[0] = w + 1;
                        if (onWindow != null) {
                            onWindow.onWindow(w, done, n);
                        }
                    });
                    x.attach(m);
                    out.add(x);
                }
            }
        }
        return out.size() == 1 ? out.head() : Ops.cat(0, out.toArray(new NDArray[0]));
    }

    /** Samples, decodes (with the pipeline's image or temporal decoder, {@code chunk} frames at a time) and converts. */
    public List<List<RgbFrame>> generate(NDManager m, VideoLDMPipeline decoding, int videos, int totalFrames, Options o,
            VideoLDMPipeline.DecoderChoice decoder, int chunk, SamplerCallback onStep) {
        try (NDManager scope = m.newSubManager()) {
            NDArray z = latents(scope, videos, totalFrames, null, o, null, onStep);
            return VideoLDMPipeline.toFrames(decoding.decode(z, totalFrames, decoder, chunk, null), totalFrames);
        }
    }
}
