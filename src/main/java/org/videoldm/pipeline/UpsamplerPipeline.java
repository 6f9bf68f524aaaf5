package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.nn.Ops;
import org.videoldm.util.Seeds;

/**
 * Video super-resolution with a latent upsampler (paper Sec. 3.4): the latents of the high-resolution frames are
 * sampled conditioned on the low-resolution frames, noise-augmented to a level chosen here. The image upsampler
 * treats every frame on its own (independent noise, no temporal layers: detail flickers from frame to frame);
 * the temporally aligned upsampler generates windows of frames jointly.
 */
public final class UpsamplerPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final ImageConcatWithNoiseAugmentation conditioning;
    private final int windowFrames;
    private final Shape latentFrame;

    /**
     * @param windowFrames frames the video upsampler generates together (its clip length T), or 1 for the image
     *     upsampler, which then takes all frames in one batch of independent images
     * @param latentFrame one high-resolution latent frame [C, H, W]
     */
    public UpsamplerPipeline(DiffusionNetwork network, Denoiser denoiser, ImageConcatWithNoiseAugmentation conditioning, int windowFrames,
            Shape latentFrame) {
        if (windowFrames < 1) {
            throw new IllegalArgumentException("upsampler: window frames must be positive, got " + windowFrames);
        }
        this.network = network;
        this.denoiser = denoiser;
        this.conditioning = conditioning;
        this.windowFrames = windowFrames;
        this.latentFrame = latentFrame;
    }

    public boolean isVideo() {
        return windowFrames > 1;
    }

    public int windowFrames() {
        return windowFrames;
    }

    /**
     * Scaled high-resolution latents [(b N), C, H, W] for b low-resolution videos [(b N), 3, h, w] in [-1, 1].
     * A video model takes windows of T frames (the last one shorter); the image model one frame at a time.
     *
     * @param noiseLevel the augmentation level of the low-resolution conditioning, in [0, max_noise_level)
     */
    public NDArray latents(NDManager m, NDArray lowRes, int frames, int noiseLevel, SamplingOptions sampling, long seed, SamplerCallback onStep) {
        Shape s = lowRes.getShape();
        if (s.dimension() != 4 || s.get(0) % frames != 0) {
            throw new IllegalArgumentException("upsampler: low-resolution frames " + s + " are not whole videos of " + frames + " frames");
        }
        int videos = (int) (s.get(0) / frames);
        NDArray v = lowRes.reshape(new Shape(videos, frames).addAll(s.slice(1)));
        List<NDArray> parts = new ArrayList<>();
        int step = isVideo() ? windowFrames : frames;
        for (int start = 0, w = 0; start < frames; start += step, w++) {
            int t = Math.min(step, frames - start);
            try (NDManager wm = m.newSubManager()) {
                NDArray window = v.get(":, " + start + ":" + (start + t)).reshape(new Shape((long) videos * t).addAll(s.slice(1)));
                window.attach(wm);
                NDArray out = window(wm, window, videos, t, noiseLevel, sampling, Seeds.derive(seed, w), onStep)
                        .reshape(new Shape(videos, t).addAll(latentFrame));
                out.attach(m);
                parts.add(out);
            }
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : Ops.cat(1, parts.toArray(new NDArray[0]));
        return all.reshape(new Shape((long) videos * frames).addAll(latentFrame));
    }

    /** One window of t frames per video: with an image model t rows of independent images. */
    private NDArray window(NDManager m, NDArray lowRes, int videos, int t, int level, SamplingOptions sampling, long seed, SamplerCallback onStep) {
        boolean video = isVideo();
        int layoutFrames = video ? t : 1;
        int units = video ? videos : videos * t;
        int[] levels = new int[units];
        Arrays.fill(levels, level);
        Conditioning base = video ? Conditioning.none().withVideo(t, m.zeros(new Shape(videos, t))) : Conditioning.none();
        NDArray noise = Seeds.normal(m, conditioning.conditionShape(lowRes.getShape().get(0)), Seeds.derive(seed, 1));
        Conditioning c = conditioning.condition(base, lowRes, levels, noise);
        if (c.numVideoFrames() != layoutFrames) {
            throw new IllegalStateException("upsampler: conditioning laid out for " + c.numVideoFrames() + " frames, expected " + layoutFrames);
        }
        return sampling.sampler(null).sample(denoiser.bind(network), m, new Shape((long) videos * t).addAll(latentFrame), c, null, seed, onStep);
    }
}
