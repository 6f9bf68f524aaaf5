package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextGuider;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.IdentityGuider;
import org.videoldm.diffusion.Rollout;
import org.videoldm.diffusion.SamplerCallback;

/**
 * Long videos from the paper's prediction model (Sec. 3.1.1): the first T-frame window is generated from
 * nothing (S = 0) or continues given context frames; every further window is conditioned on the last S
 * frames so far (S = 2 by default) with context guidance ({@link ContextGuider}: classifier-free guidance
 * against the same model with the context dropped), until N frames exist. Works on scaled latents; decode
 * them with the autoencoder (divided by its scale factor) or use {@link #frames}.
 */
public final class LongVideoPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final int windowFrames;
    private final Shape latentFrame;

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
     * @param sampling steps and sampler
     * @param contextFrames S, the frames carried from one window to the next (1 or 2; the model was trained on 0, 1, 2)
     * @param contextGuidance the context guidance scale s >= 1 (1 = none; the unconditional branch is then skipped)
     */
    public record Options(SamplingOptions sampling, int contextFrames, double contextGuidance) {
        public Options {
            if (contextGuidance < 1) {
                throw new IllegalArgumentException("long video: the context guidance scale must be at least 1, got " + contextGuidance);
            }
        }

        public static Options defaults() {
            return new Options(SamplingOptions.defaults(), 2, 2.0);
        }

        public Options withSampling(SamplingOptions s) {
            return new Options(s, contextFrames, contextGuidance);
        }

        public Options withContextFrames(int s) {
            return new Options(sampling, s, contextGuidance);
        }

        public Options withContextGuidance(double scale) {
            return new Options(sampling, contextFrames, scale);
        }
    }

    /** The rollout these options describe (the first window, which has no context, is sampled without guidance). */
    public Rollout rollout(Options o) {
        DiffusionSampler plain = o.sampling().sampler(new IdentityGuider());
        DiffusionSampler guided = o.contextGuidance() == 1 ? plain : o.sampling().sampler(new ContextGuider(o.contextGuidance()));
        return new Rollout(guided, denoiser.bind(network), windowFrames, o.contextFrames()).firstWindowSampler(plain);
    }

    /**
     * Scaled latents of {@code videos} videos of {@code totalFrames} frames, [(b N), C, h, w] in {@code m}.
     *
     * @param initialContext [(b S), C, h, w] scaled latents that start each video (kept as its first S frames), or null
     * @param onWindow called after each window (may be null)
     * @param onStep called after every sampler step (may be null)
     */
    public NDArray latents(NDManager m, int videos, int totalFrames, long seed, NDArray initialContext, Options o,
            Rollout.WindowCallback onWindow, SamplerCallback onStep) {
        if (totalFrames < 1 || videos < 1) {
            throw new IllegalArgumentException("long video: need at least one video and one frame, got " + videos + " x " + totalFrames);
        }
        Conditioning cond = Conditioning.none().withVideo(windowFrames, m.zeros(new Shape(videos, windowFrames)));
        return rollout(o).stepCallback(onStep).generate(m, cond, null, initialContext, videos, latentFrame, totalFrames, seed, onWindow);
    }

    /** How many windows (sampler runs) a video of {@code totalFrames} frames takes. */
    public int windows(int totalFrames, Options o, boolean givenContext) {
        return new Rollout(o.sampling().sampler(null), denoiser.bind(network), windowFrames, o.contextFrames())
                .windows(totalFrames, givenContext ? o.contextFrames() : 0);
    }
}
