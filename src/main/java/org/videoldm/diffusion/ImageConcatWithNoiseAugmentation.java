package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * The conditioning of a latent upsampler (paper Sec. 3.4; Stable Diffusion's x4 upscaler, whose
 * {@code low_scale_model} has this name): the low-resolution RGB frames, resized to the latent grid of the
 * high-resolution frames, noise-augmented to a level the network is told through its class embedding
 * ({@link NoiseAugmentation}), and joined to the noisy latents channel-wise. In training the level is drawn
 * per video; at inference it is chosen (a small level makes the output follow the low-resolution frames
 * closely, a larger one lets the model correct their artefacts).
 */
public final class ImageConcatWithNoiseAugmentation {
    /** RGB. */
    public static final int CHANNELS = 3;

    private final NoiseAugmentation augmentation;
    private final long latentHeight;
    private final long latentWidth;

    public ImageConcatWithNoiseAugmentation(NoiseAugmentation augmentation, long latentHeight, long latentWidth) {
        this.augmentation = augmentation;
        this.latentHeight = latentHeight;
        this.latentWidth = latentWidth;
    }

    public NoiseAugmentation augmentation() {
        return augmentation;
    }

    /**
     * Low-resolution frames [N, 3, h, w] in [-1, 1] on the latent grid [N, 3, H', W']: area averaging when the
     * size divides evenly (what a camera at the lower resolution would see), bilinear otherwise.
     */
    public NDArray resize(NDArray lowRes) {
        Shape s = lowRes.getShape();
        if (s.dimension() != 4 || s.get(1) != CHANNELS) {
            throw new IllegalArgumentException("upsampler conditioning: low-resolution frames must be [N, 3, h, w], got " + s);
        }
        return resize(lowRes, latentHeight, latentWidth);
    }

    /** Resizes frames [N, C, h, w] to [N, C, height, width]: area averaging by an integer factor, else bilinear. */
    public static NDArray resize(NDArray frames, long height, long width) {
        Shape s = frames.getShape();
        long h = s.get(2);
        long w = s.get(3);
        if (h == height && w == width) {
            return frames;
        }
        if (h % height == 0 && w % width == 0 && h / height == w / width) {
            long f = h / height;
            return Pool.avgPool2d(frames, new Shape(f, f), new Shape(f, f), new Shape(0, 0), false, true);
        }
        return frames.getNDArrayInternal().interpolation(new long[] {height, width}, 1, false);
    }

    /**
     * {@code base} with the resized frames noised to each video's level as concat and the levels as vector
     * conditioning (one entry per frame).
     *
     * @param lowRes [(b t), 3, h, w] in [-1, 1], or already on the latent grid
     * @param levels one noise level per video, each in [0, max_noise_level)
     * @param noise standard normal noise shaped like the resized frames
     */
    public Conditioning condition(Conditioning base, NDArray lowRes, int[] levels, NDArray noise) {
        return condition(base, lowRes, levels, noise, latentHeight, latentWidth);
    }

    /** As {@link #condition(Conditioning, NDArray, int[], NDArray)} on another latent grid (inputs of another size). */
    public Conditioning condition(Conditioning base, NDArray lowRes, int[] levels, NDArray noise, long gridHeight, long gridWidth) {
        for (int level : levels) {
            if (level < 0 || level >= augmentation.maxNoiseLevel()) {
                throw new IllegalArgumentException("upsampler conditioning: noise level " + level + " outside 0.." + (augmentation.maxNoiseLevel() - 1));
            }
        }
        Shape s = lowRes.getShape();
        if (s.dimension() != 4 || s.get(1) != CHANNELS) {
            throw new IllegalArgumentException("upsampler conditioning: low-resolution frames must be [N, 3, h, w], got " + s);
        }
        return augmentation.apply(base, resize(lowRes, gridHeight, gridWidth), levels, base.numVideoFrames(), noise);
    }

    /** The shape of the resized conditioning for {@code rows} frames. */
    public Shape conditionShape(long rows) {
        return new Shape(rows, CHANNELS, latentHeight, latentWidth);
    }
}
