package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.videoldm.nn.TimestepEmbedding;

/**
 * Noise augmentation of an upsampler's low-resolution conditioning (paper Sec. 3.4, as in cascaded
 * diffusion and SD's x4 upscaler): the low-resolution latents are diffused to a level t_aug,
 * {@code sqrt(abar_t) z + sqrt(1 - abar_t) eps}, joined to the input channels, and t_aug is given to the network
 * as vector conditioning, so that at inference the model knows how much to trust the conditioning. In
 * training t_aug is uniform in {0, ..., maxNoiseLevel - 1}; at inference it is chosen (a small level).
 *
 * <p>The level reaches the network either as the raw integer (for a UNet with {@code num_classes}, whose
 * {@code label_emb} embeds it, as SD's upscaler does) or, with {@code embeddingDim > 0}, as a sinusoidal
 * timestep embedding (for {@code num_classes: sequential} UNets, as SVD feeds cond_aug).
 */
public final class NoiseAugmentation {
    private final double[] alphasCumprod;
    private final int maxNoiseLevel;
    private final int embeddingDim;

    /** SD x4 upscaler's schedule: linear betas 1e-4 .. 2e-2 over 1000 steps. */
    public static NoiseAugmentation sdUpscaler(int maxNoiseLevel, int embeddingDim) {
        return new NoiseAugmentation(new LegacyDDPMDiscretization(1e-4, 2e-2, 1000), maxNoiseLevel, embeddingDim);
    }

    public NoiseAugmentation(LegacyDDPMDiscretization schedule, int maxNoiseLevel, int embeddingDim) {
        if (maxNoiseLevel < 1 || maxNoiseLevel > schedule.numTimesteps()) {
            throw new IllegalArgumentException("noise augmentation: max_noise_level must be in 1.." + schedule.numTimesteps() + ", got " + maxNoiseLevel);
        }
        this.alphasCumprod = schedule.alphasCumprod();
        this.maxNoiseLevel = maxNoiseLevel;
        this.embeddingDim = embeddingDim;
    }

    public int maxNoiseLevel() {
        return maxNoiseLevel;
    }

    /** Training levels: one per video, uniform in [0, maxNoiseLevel). */
    public int[] sampleLevels(SplittableRandom rng, int videos) {
        int[] out = new int[videos];
        for (int i = 0; i < videos; i++) {
            out[i] = rng.nextInt(maxNoiseLevel);
        }
        return out;
    }

    /**
     * The low-resolution latents diffused to each video's level.
     *
     * @param lowRes [(b t), C, H, W]
     * @param levels one level per video
     * @param noise standard normal noise shaped like lowRes
     */
    public NDArray noised(NDArray lowRes, int[] levels, int numFrames, NDArray noise) {
        if (!noise.getShape().equals(lowRes.getShape())) {
            throw new IllegalArgumentException("noise augmentation: noise " + noise.getShape() + " does not match the conditioning " + lowRes.getShape());
        }
        long rows = lowRes.getShape().get(0);
        if (rows != (long) levels.length * numFrames) {
            throw new IllegalArgumentException("noise augmentation: " + levels.length + " levels x " + numFrames + " frames do not match " + rows + " rows");
        }
        float[] a = new float[(int) rows];
        float[] b = new float[(int) rows];
        for (int r = 0; r < rows; r++) {
            int t = levels[r / numFrames];
            if (t < 0 || t >= alphasCumprod.length) {
                throw new IllegalArgumentException("noise augmentation: level " + t + " outside the schedule's 0.." + (alphasCumprod.length - 1));
            }
            a[r] = (float) Math.sqrt(alphasCumprod[t]);
            b[r] = (float) Math.sqrt(1 - alphasCumprod[t]);
        }
        Shape col = Denoiser.columnShape(lowRes);
        NDArray ca = lowRes.getManager().create(a).reshape(col);
        NDArray cb = lowRes.getManager().create(b).reshape(col);
        return lowRes.mul(ca).add(noise.mul(cb));
    }

    /** The level as the network's vector conditioning, one row per frame: raw labels [N] or an embedding [N, dim]. */
    public NDArray levelConditioning(NDArray like, int[] levels, int numFrames) {
        float[] perRow = new float[levels.length * numFrames];
        for (int r = 0; r < perRow.length; r++) {
            perRow[r] = levels[r / numFrames];
        }
        NDArray l = like.getManager().create(perRow);
        return embeddingDim > 0 ? TimestepEmbedding.embed(l, embeddingDim) : l;
    }

    /** {@code base} with the noised low-resolution latents as concat and the level as vector conditioning. */
    public Conditioning apply(Conditioning base, NDArray lowRes, int[] levels, int numFrames, NDArray noise) {
        return base.withConcat(noised(lowRes, levels, numFrames, noise)).withVector(levelConditioning(lowRes, levels, numFrames));
    }
}
