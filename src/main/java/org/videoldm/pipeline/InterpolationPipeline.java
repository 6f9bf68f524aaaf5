package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.InterpolationMask;
import org.videoldm.diffusion.KeyframeInterpolation;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.diffusion.SamplerStep;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.VideoUNet;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * Temporal interpolation T -> 4T (paper Sec. 3.3): a video's frames become the keyframes of a video at four times
 * the frame rate, the model filling the three frames between each pair, K keyframes per window, windows overlapping
 * by one keyframe ({@link KeyframeInterpolation}); the keyframes are kept unchanged. Works on scaled latents; video
 * i uses a seed derived from (seed, i).
 */
public final class InterpolationPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final int windowKeyframes;
    private final int stride;
    private final Shape latentFrame;
    private Progress.Mode progress = Progress.Mode.AUTO;

    /**
     * @param windowKeyframes K, the keyframes in one model window of (K - 1) stride + 1 frames
     * @param stride the frame-rate factor (4 in the paper)
     */
    public InterpolationPipeline(DiffusionNetwork network, Denoiser denoiser, int windowKeyframes, int stride, Shape latentFrame) {
        this.network = network;
        this.denoiser = denoiser;
        this.windowKeyframes = windowKeyframes;
        this.stride = stride;
        this.latentFrame = latentFrame;
    }

    /** The interpolation model of a checkpoints folder ({@code interpolation.safetensors}, stride and window from its metadata). */
    public static InterpolationPipeline load(Path dir, NDManager m) {
        SavedNetwork n = SavedNetwork.load(CheckpointFolder.of(dir).require(CheckpointFolder.INTERPOLATION), m);
        VideoUNet unet = n.module(VideoUNet.class);
        unet.setTrainable(k -> false);
        JsonObject c = n.conditioning();
        if (c == null || !c.has("stride") || !c.has("window_keyframes")) {
            throw new IllegalArgumentException(n.path() + ": its " + SavedNetwork.KEY_CONDITIONING + " metadata lacks stride / window_keyframes");
        }
        return new InterpolationPipeline(new OpenAIWrapper(unet), Denoisers.fromJson(n.denoiser()), c.get("window_keyframes").getAsInt(),
                c.get("stride").getAsInt(), LongVideoPipeline.latentFrame(n));
    }

    public InterpolationPipeline progress(Progress.Mode mode) {
        this.progress = mode;
        return this;
    }

    public int stride() {
        return stride;
    }

    public int windowKeyframes() {
        return windowKeyframes;
    }

    public Shape latentFrame() {
        return latentFrame;
    }

    /** Frames of the output for {@code keyframes} input frames: (keyframes - 1) stride + 1. */
    public int outputFrames(int keyframes) {
        return InterpolationMask.framesFor(keyframes, stride);
    }

    /**
     * @param keyframes scaled latents [(b K), C, h, w] of b videos of {@code numKeyframes} frames
     * @return scaled latents [(b F), C, h, w], F = (numKeyframes - 1) stride + 1, the keyframes at every stride-th position
     */
    public NDArray latents(NDManager m, NDArray keyframes, int numKeyframes, VideoLDMPipeline.Options o, SamplerCallback onStep) {
        if (!keyframes.getShape().slice(1).equals(latentFrame)) {
            throw new IllegalArgumentException("interpolation: keyframes " + keyframes.getShape() + " are not latent frames " + latentFrame);
        }
        if (numKeyframes < windowKeyframes || keyframes.getShape().get(0) % numKeyframes != 0) {
            throw new IllegalArgumentException("interpolation: " + keyframes.getShape().get(0) + " keyframe rows are not whole videos of "
                    + numKeyframes + " keyframes (at least " + windowKeyframes + ")");
        }
        int videos = (int) (keyframes.getShape().get(0) / numKeyframes);
        int t = InterpolationMask.framesFor(windowKeyframes, stride);
        int windows = (int) Math.ceil((numKeyframes - 1) / (double) (windowKeyframes - 1));
        long total = (long) videos * windows * o.steps();
        NDList out = new NDList();
        try (Progress bar = Progress.start("interpolate", total, 0, progress)) {
            for (int v = 0; v < videos; v++) {
                int video = v;
                int[] calls = {0};
                try (NDManager scope = m.newSubManager()) {
                    KeyframeInterpolation k = new KeyframeInterpolation(Samplers.create(o.sampler(), o.steps(), null).progress(Progress.Mode.QUIET),
                            denoiser.bind(network), windowKeyframes, stride).stepCallback(step -> {
                                long done = (long) video * windows * o.steps() + calls[0]++ + 1;
                                bar.update(done, String.format(Locale.ROOT, "video %d/%d", video + 1, videos));
                                if (onStep != null) {
                                    onStep.onStep(new SamplerStep((int) done - 1, (int) total, step.sigma(), step.nextSigma(), step.x(), step.denoised(),
                                            bar.throughput().iterationsPerSecond(), bar.throughput().etaSeconds()));
                                }
                            });
                    NDArray key = keyframes.get(v * numKeyframes + ":" + (v + 1) * numKeyframes);
                    Conditioning cond = Conditioning.none().withVideo(t, scope.zeros(new Shape(1, t)));
                    NDArray x = k.interpolate(scope, key, numKeyframes, cond, null, Seeds.derive(o.seed(), video));
                    x.attach(m);
                    out.add(x);
                }
            }
        }
        return out.size() == 1 ? out.head() : Ops.cat(0, out.toArray(new NDArray[0]));
    }
}
