package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.videoldm.nn.Ops;

/**
 * The conditioning of a latent upsampler (paper Sec. 3.4; Stable Diffusion's x4 upscaler, whose
 * {@code low_scale_model} has this name): the low-resolution RGB frames, brought onto the latent grid of the
 * high-resolution frames, noise-augmented to a level the network is told through its class embedding
 * ({@link NoiseAugmentation}), and joined to the noisy latents channel-wise. In training the level is drawn
 * per video; at inference it is chosen (a small level makes the output follow the low-resolution frames
 * closely, a larger one lets the model correct their artefacts).
 *
 * <p>How the frames meet the grid: when they are finer than it by a whole factor r (a 2x upsampler with an f = 4
 * autoencoder: 32 x 64 frames, 16 x 32 latents), space-to-depth by r keeps every pixel as 3 r^2 channels; with r = 1
 * (4x, where the grid is the input size, as in SD's x4 upscaler) the frames are taken as they are. Averaging them down
 * to the grid instead would throw away most of what the upsampler is meant to follow.
 */
public final class ImageConcatWithNoiseAugmentation {
    /** RGB. */
    public static final int CHANNELS = 3;

    private final NoiseAugmentation augmentation;
    private final long latentHeight;
    private final long latentWidth;
    private final int unshuffle;

    /** Frames resized to the grid (r = 1, the arrangement of networks trained before space-to-depth). */
    public ImageConcatWithNoiseAugmentation(NoiseAugmentation augmentation, long latentHeight, long latentWidth) {
        this(augmentation, latentHeight, latentWidth, 1);
    }

    /** Frames r times finer than the grid, arranged by space-to-depth (r = 1: frames the size of the grid, or resized to it). */
    public ImageConcatWithNoiseAugmentation(NoiseAugmentation augmentation, long latentHeight, long latentWidth, int unshuffle) {
        if (unshuffle < 1) {
            throw new IllegalArgumentException("upsampler conditioning: space-to-depth factor must be at least 1, got " + unshuffle);
        }
        this.augmentation = augmentation;
        this.latentHeight = latentHeight;
        this.latentWidth = latentWidth;
        this.unshuffle = unshuffle;
    }

    public NoiseAugmentation augmentation() {
        return augmentation;
    }

    /** The space-to-depth factor r. */
    public int unshuffle() {
        return unshuffle;
    }

    /** Channels the conditioning adds to the network's input: 3 r^2. */
    public int channels() {
        return CHANNELS * unshuffle * unshuffle;
    }

    /** Low-resolution frames [N, 3, h, w] as the conditioning on the trained grid [N, 3 r^2, H', W']. */
    public NDArray arrange(NDArray lowRes) {
        return arrange(lowRes, latentHeight, latentWidth);
    }

    /** As {@link #arrange(NDArray)} onto another grid (inputs of another size). */
    public NDArray arrange(NDArray lowRes, long gridHeight, long gridWidth) {
        Shape s = lowRes.getShape();
        if (s.dimension() != 4 || s.get(1) != CHANNELS) {
            throw new IllegalArgumentException("upsampler conditioning: low-resolution frames must be [N, 3, h, w], got " + s);
        }
        if (unshuffle == 1) {
            return resize(lowRes, gridHeight, gridWidth);
        }
        if (s.get(2) != gridHeight * unshuffle || s.get(3) != gridWidth * unshuffle) {
            throw new IllegalArgumentException("upsampler conditioning: frames of " + s.get(2) + "x" + s.get(3) + " are not " + unshuffle
                    + " times the latent grid " + gridHeight + "x" + gridWidth);
        }
        return Ops.spaceToDepth(lowRes, unshuffle);
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
     * @param lowRes [(b t), 3, h, w] in [-1, 1]
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
        return augmentation.apply(base, arrange(lowRes, gridHeight, gridWidth), levels, base.numVideoFrames(), noise);
    }

    /** The shape of the arranged conditioning for {@code rows} frames. */
    public Shape conditionShape(long rows) {
        return new Shape(rows, channels(), latentHeight, latentWidth);
    }
}
