package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.RgbFrame;
import org.videoldm.diffusion.ContextMask;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.VideoUNet;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/**
 * The paper's prediction model (Sec. 3.2): a video LDM that continues a video from its first S frames. Trained on
 * the base model's latent clips (the same cache as temporal alignment) with S drawn per clip from {0, 1, 2}
 * (uniformly unless other weights are given): S = 0 keeps it an unconditional video model and is the unconditional
 * branch of context guidance. Long videos are rolled out with {@link LongVideoPipeline}. Exports
 * {@code prediction.safetensors}; the preview continues training clips from their first two frames.
 *
 * <pre>{@code
 * StageResult r = new PredictionTraining(PredictionTraining.Settings.defaults().out(Path.of("checkpoints/toy"))).run(listener);
 * }</pre>
 */
public final class PredictionTraining extends MaskedVideoTraining<PredictionTraining.Settings> {
    public static final String STAGE = "prediction";

    public static final class Settings extends MaskedVideoTraining.Settings<Settings> {
        /** Relative probabilities of S = 0, 1, 2, ... context frames per training clip. */
        public double[] contextWeights = {1, 1, 1};
        /** Length of each preview rollout. */
        public int previewFrames = 20;
        /** Context guidance scale of the preview rollouts. */
        public double previewGuidance = 2.0;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            s.defaults(3000);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings contextWeights(double... w) {
            ContextMask.sampleNumContext(new java.util.SplittableRandom(0), 1, w); // rejects negative or all-zero weights
            contextWeights = w.clone();
            return this;
        }

        public Settings previewFrames(int v) { previewFrames = v; return this; }
        public Settings previewGuidance(double v) { previewGuidance = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        protected List<String> jsonOrder() {
            return withOwn(List.of("contextWeights", "previewFrames", "previewGuidance"));
        }
    }

    public PredictionTraining(Settings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return CheckpointFolder.PREDICTION;
    }

    /** The base clips' latents, shared with temporal alignment ({@link LatentCaching}). */
    @Override
    public Data data(NDManager m) {
        LatentCaching.Result cache = LatentCaching.ensure(s, s.autoencoderOrDefault());
        return new Data(LatentDataset.open(cache.train()), cache.data(), s.scale.clipOptions(s.seed), cache.scaleFactor());
    }

    @Override
    protected DiffusionStage.ConditioningHook maskHook() {
        return DiffusionStage.contextFrames(s.contextWeights);
    }

    @Override
    protected JsonObject conditioning(int latentChannels) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", latentChannels + 1);
        concat.addProperty("content", "the first S frames' scaled latents (" + latentChannels + " channels, zero on the other frames), "
                + "then a mask channel (1 = frame given); see ContextMask");
        JsonArray trained = new JsonArray();
        for (int i = 0; i < s.contextWeights.length; i++) {
            if (s.contextWeights[i] > 0) {
                trained.add(i);
            }
        }
        concat.add("context_frames_trained", trained);
        JsonObject o = new JsonObject();
        o.addProperty("type", "prediction");
        o.add("concat", concat);
        o.addProperty("guidance", "context guidance (ContextGuider): the unconditional branch is the same window with no frame given (S = 0)");
        return o;
    }

    @Override
    protected List<String> notes() {
        return List.of("Context frames S per training clip drawn with weights " + Arrays.toString(s.contextWeights) + " over S = 0, 1, 2.");
    }

    /** Rows: a training clip, then the model's continuation of its first two frames (context guidance as set). */
    @Override
    protected Path preview(NDManager m, VideoUNet net, Denoiser den, Data data, FirstStage firstStage) {
        int videos = Math.min(s.previewVideos, data.latents().size());
        int t = data.frames();
        LongVideoPipeline p = new LongVideoPipeline(new OpenAIWrapper(net), den, t, data.latents().clipShape().slice(1)).progress(Progress.Mode.QUIET);
        List<List<RgbFrame>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            int clip = (int) ((long) v * data.latents().size() / videos);
            NDArray real = data.latents().scaledBatch(new int[] {clip}, m).reshape(new Shape(t).addAll(data.latents().clipShape().slice(1)));
            LongVideoPipeline.Options o = new LongVideoPipeline.Options(new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed + v), 2, s.previewGuidance);
            NDArray z = p.latents(m, 1, s.previewFrames, real.get("0:2"), o, null, null);
            rows.add(VideoLDMPipeline.toFrames(firstStage.decode(real, t, t), t).get(0));
            labels.add("clip " + data.latents().clipId(clip));
            rows.add(VideoLDMPipeline.toFrames(firstStage.decode(z, s.previewFrames, t), s.previewFrames).get(0));
            labels.add("continued from its first 2 frames");
        }
        return StageRuns.writePreview(s, FrameGrid.image(rows, labels));
    }
}
