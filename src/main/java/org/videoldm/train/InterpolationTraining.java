package org.videoldm.train;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.VideoInfo;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.InterpolationMask;

/**
 * The paper's temporal interpolation model (Sec. 3.1.2, T -> 4T): windows of (K - 1) 4 + 1 frames whose every
 * 4th frame is given; the model fills the three frames between each pair of keyframes. It sees clips at 4 times
 * the base model's frame rate, so that its keyframes are spaced like the base model's frames; videos recorded at a
 * lower rate than that are left out (their clips would repeat frames). When no video of the folder reaches it (the
 * procedural set is rendered at 10 fps), the highest rate available is used instead and the card says so.
 */
public final class InterpolationTraining extends MaskedVideoTraining {
    public static final String NAME = "interpolation";
    public static final long STEPS = 1200;
    public static final int BATCH = 2;
    public static final double LR = 2e-4;
    /** Keyframes per training window: 3 keyframes, 9 frames. */
    public static final int WINDOW_KEYFRAMES = 3;

    private final int stride = InterpolationMask.PAPER_STRIDE;
    private String rateNote = "";

    public InterpolationTraining(LatentStageSettings settings) {
        super(settings);
    }

    public static LatentStageSettings defaults() {
        return LatentStageSettings.of(STEPS, BATCH, LR);
    }

    @Override
    public String name() {
        return NAME;
    }

    public int stride() {
        return stride;
    }

    public int windowFrames() {
        return InterpolationMask.framesFor(WINDOW_KEYFRAMES, stride);
    }

    /** Windows of (K - 1) stride + 1 frames at stride times the base rate (or the highest rate the videos have). */
    @Override
    public ClipOptions clipOptions(VideoScan.Result scan) {
        double wanted = settings.clips().targetFps() * stride;
        double best = scan.videos().stream().mapToDouble(e -> e.info().fps()).max().orElse(wanted);
        double fps = wanted;
        if (best < wanted * 0.95) {
            fps = best;
            rateNote = String.format(Locale.ROOT, "No video reaches %.3g fps (%d x the base rate); trained at the highest rate found, %.3g fps.",
                    wanted, stride, best);
            System.err.println("interpolation: " + rateNote);
        } else {
            rateNote = String.format(Locale.ROOT, "Clips at %.3g fps, %d x the base model's %.3g fps; videos below that rate left out.", wanted, stride,
                    settings.clips().targetFps());
        }
        return settings.clips().withFrames(windowFrames()).withTargetFps(fps);
    }

    @Override
    protected boolean usable(VideoInfo info, ClipOptions options) {
        return info.fps() >= options.targetFps() * 0.95;
    }

    @Override
    protected DiffusionStage.ConditioningHook maskHook() {
        return DiffusionStage.interpolation(stride);
    }

    @Override
    protected JsonObject conditioning(int latentChannels) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", latentChannels + 1);
        concat.addProperty("content", "keyframe latents at every " + stride + "th frame (" + latentChannels + " channels, zero between), "
                + "then a mask channel (1 = keyframe); see InterpolationMask");
        JsonObject o = new JsonObject();
        o.addProperty("type", "interpolation");
        o.add("concat", concat);
        o.addProperty("stride", stride);
        o.addProperty("window_keyframes", WINDOW_KEYFRAMES);
        o.addProperty("window_frames", windowFrames());
        return o;
    }

    @Override
    protected List<String> notes() {
        return rateNote.isEmpty() ? List.of() : List.of(rateNote);
    }
}
