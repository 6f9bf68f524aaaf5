package org.videoldm.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.ContextMask;

/**
 * The paper's prediction model (Sec. 3.1.1): a video LDM that continues a video from its first S frames. Trained on
 * the base model's clips (T frames at the base rate) with S drawn per video from {0, 1, 2} (uniformly unless other
 * weights are given): S = 0 keeps it an unconditional video model and is the unconditional branch of context
 * guidance at sampling time. Long videos are then rolled out window by window ({@code pipeline.LongVideoPipeline}).
 *
 * <pre>{@code
 * LatentStageResult r = new PredictionTraining(PredictionTraining.defaults()).run(listener);   // checkpoints/toy/prediction.safetensors
 * }</pre>
 */
public final class PredictionTraining extends MaskedVideoTraining {
    public static final String NAME = "prediction";
    /** Full-run steps, clips per step and learning rate at toy scale. */
    public static final long STEPS = 1200;
    public static final int BATCH = 2;
    public static final double LR = 2e-4;

    private double[] contextWeights = {1, 1, 1};

    public PredictionTraining(LatentStageSettings settings) {
        super(settings);
    }

    /** The current scale and run mode's settings for this stage. */
    public static LatentStageSettings defaults() {
        return LatentStageSettings.of(STEPS, BATCH, LR);
    }

    /** Relative probabilities of S = 0, 1, 2, ... context frames per training video. */
    public PredictionTraining contextWeights(double... weights) {
        ContextMask.sampleNumContext(new java.util.SplittableRandom(0), 1, weights); // validates
        this.contextWeights = weights.clone();
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The base model's clips: T frames at the scale's rate. */
    @Override
    public ClipOptions clipOptions(VideoScan.Result scan) {
        return settings.clips();
    }

    @Override
    protected DiffusionStage.ConditioningHook maskHook() {
        return DiffusionStage.contextFrames(contextWeights);
    }

    @Override
    protected JsonObject conditioning(int latentChannels) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", latentChannels + 1);
        concat.addProperty("content", "the first S frames' scaled latents (" + latentChannels + " channels, zero on the other frames), "
                + "then a mask channel (1 = frame given); see ContextMask");
        JsonArray s = new JsonArray();
        for (int i = 0; i < contextWeights.length; i++) {
            if (contextWeights[i] > 0) {
                s.add(i);
            }
        }
        concat.add("context_frames_trained", s);
        JsonObject o = new JsonObject();
        o.addProperty("type", "prediction");
        o.add("concat", concat);
        o.addProperty("guidance", "context guidance (ContextGuider): the unconditional branch is the same window with no frame given (S = 0)");
        return o;
    }

    @Override
    protected List<String> notes() {
        return List.of("Context frames S per training video drawn with weights " + java.util.Arrays.toString(contextWeights) + " over S = 0, 1, 2.");
    }
}
