package org.videoldm.train;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;

/**
 * sgm's {@code StandardDiffusionLoss}: noise the clean latents to a sampled sigma, {@code x = x0 + sigma n}, denoise,
 * and take the weighted error {@code lambda(sigma) |D(x, sigma) - x0|^p} averaged per sample. For videos
 * (numVideoFrames T > 1) one sigma is drawn per video and shared by its frames, while the noise is per frame.
 */
public final class DiffusionLoss {
    public enum Type { L2, L1 }

    private final SigmaSampling sigmaSampling;
    private final LossWeighting weighting;
    private final Type type;
    private final double offsetNoiseLevel;

    public DiffusionLoss(SigmaSampling sigmaSampling, LossWeighting weighting) {
        this(sigmaSampling, weighting, Type.L2, 0.0);
    }

    public DiffusionLoss(SigmaSampling sigmaSampling, LossWeighting weighting, Type type, double offsetNoiseLevel) {
        this.sigmaSampling = sigmaSampling;
        this.weighting = weighting;
        this.type = type;
        this.offsetNoiseLevel = offsetNoiseLevel;
    }

    /** Per-row sigmas for a batch: one per video, repeated over its frames. */
    public NDArray sampleSigmas(StepContext ctx, long rows, int frames) {
        if (rows % frames != 0) {
            throw new IllegalArgumentException("diffusion loss: " + rows + " rows are not whole videos of " + frames + " frames");
        }
        float[] perVideo = sigmaSampling.sample((int) (rows / frames), ctx.random());
        float[] perRow = new float[(int) rows];
        for (int r = 0; r < rows; r++) {
            perRow[r] = perVideo[r / frames];
        }
        return ctx.manager().create(perRow);
    }

    /** Per-sample losses [N] for clean input x0 [N, ...], drawing sigmas and noise from the context. */
    public NDArray loss(DiffusionNetwork network, Denoiser denoiser, NDArray input, Conditioning cond, StepContext ctx) {
        long n = input.getShape().get(0);
        NDArray sigmas = sampleSigmas(ctx, n, Math.max(1, cond.numVideoFrames()));
        NDArray noise = ctx.normal(input.getShape());
        if (offsetNoiseLevel > 0) {
            long[] dims = new long[input.getShape().dimension()];
            java.util.Arrays.fill(dims, 1);
            dims[0] = n; // one offset per sample, as the reference draws it
            noise = noise.add(Ops.scale(ctx.normal(new Shape(dims)), (float) offsetNoiseLevel));
        }
        return loss(network, denoiser, input, cond, sigmas, noise);
    }

    /** Per-sample losses for given sigmas [N] and noise. */
    public NDArray loss(DiffusionNetwork network, Denoiser denoiser, NDArray input, Conditioning cond, NDArray sigmas, NDArray noise) {
        Shape col = columnShape(input);
        NDArray noised = input.add(noise.mul(sigmas.reshape(col)));
        NDArray out = denoiser.forward(network, noised, sigmas, cond);
        NDArray w = weighting.weight(sigmas).reshape(col);
        NDArray err = type == Type.L2 ? out.sub(input).square() : out.sub(input).abs();
        return err.mul(w).reshape(input.getShape().get(0), -1).mean(new int[] {1});
    }

    private static Shape columnShape(NDArray x) {
        long[] dims = new long[x.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = x.getShape().get(0);
        return new Shape(dims);
    }
}
