package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ContextMask;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.InterpolationMask;
import org.videoldm.diffusion.NoiseAugmentation;
import org.videoldm.nn.Module;

/**
 * Latent diffusion training (image pre-training, temporal alignment, prediction, interpolation, upsampling): the
 * {@link DiffusionLoss} of a network under a denoiser on batches of clean latents, with optional hooks that add
 * the stage's conditioning — context frames with S drawn per video, interpolation keyframes, noise-augmented
 * low-resolution latents.
 */
public final class DiffusionStage implements TrainingStage<DiffusionStage.Batch> {
    /**
     * Clean latents [(b t), C, H, W], their conditioning (text, video layout), and for upsamplers the low-resolution
     * latents at the same spatial size (else null).
     */
    public record Batch(NDArray latents, Conditioning cond, NDArray lowRes) {}

    /** Produces a micro-batch, choosing items from ctx (e.g. {@link DataOrder#batch} with ctx.step()). */
    @FunctionalInterface
    public interface BatchSource {
        Batch batch(StepContext ctx);
    }

    /** Adds stage-specific conditioning to a batch's conditioning. */
    @FunctionalInterface
    public interface ConditioningHook {
        Conditioning apply(Batch batch, Conditioning cond, StepContext ctx);
    }

    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final DiffusionLoss loss;
    private final BatchSource data;
    private final ConditioningHook[] hooks;
    private final RowWeights rowWeights;

    /**
     * Per-row weights {@code [N]} of a batch's per-sample losses; the stage's loss is then {@code mean(w_i l_i)} instead of
     * {@code mean(l_i)} (DreamBooth's prior-preservation weight on its prior rows).
     */
    @FunctionalInterface
    public interface RowWeights {
        NDArray weights(Batch batch, StepContext ctx);
    }

    public DiffusionStage(DiffusionNetwork network, Denoiser denoiser, DiffusionLoss loss, BatchSource data, ConditioningHook... hooks) {
        this(network, denoiser, loss, data, null, hooks);
    }

    private DiffusionStage(DiffusionNetwork network, Denoiser denoiser, DiffusionLoss loss, BatchSource data, RowWeights rowWeights,
            ConditioningHook... hooks) {
        this.network = network;
        this.denoiser = denoiser;
        this.loss = loss;
        this.data = data;
        this.rowWeights = rowWeights;
        this.hooks = hooks;
    }

    /** The same stage with its per-sample losses weighted by {@code weights} before the mean. */
    public DiffusionStage withRowWeights(RowWeights weights) {
        return new DiffusionStage(network, denoiser, loss, data, weights, hooks);
    }

    @Override
    public Module module() {
        return network.module();
    }

    public DiffusionNetwork network() {
        return network;
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    @Override
    public Batch batch(StepContext ctx) {
        return data.batch(ctx);
    }

    /** The conditioning the network sees for this batch, after the hooks. */
    public Conditioning conditioning(Batch batch, StepContext ctx) {
        Conditioning c = batch.cond();
        for (ConditioningHook h : hooks) {
            c = h.apply(batch, c, ctx);
        }
        return c;
    }

    @Override
    public NDArray loss(Batch batch, StepContext ctx) {
        NDArray perRow = loss.loss(network, denoiser, batch.latents(), conditioning(batch, ctx), ctx);
        return rowWeights == null ? perRow.mean() : perRow.mul(rowWeights.weights(batch, ctx)).mean();
    }

    /** Prediction models: the first S frames given, S drawn per video with these weights over S = 0, 1, 2, ... */
    public static ConditioningHook contextFrames(double[] weights) {
        return (b, c, ctx) -> {
            int frames = c.numVideoFrames();
            int videos = (int) (b.latents().getShape().get(0) / frames);
            int[] s = ContextMask.sampleNumContext(ctx.random(), videos, weights);
            return c.withConcat(ContextMask.concat(b.latents(), frames, s));
        };
    }

    /** Interpolation models: every {@code stride}-th frame given. */
    public static ConditioningHook interpolation(int stride) {
        return (b, c, ctx) -> c.withConcat(InterpolationMask.concat(b.latents(), c.numVideoFrames(), stride));
    }

    /** Upsamplers: the batch's low-resolution latents, noised to a random level per video that the network is told. */
    public static ConditioningHook noiseAugmentation(NoiseAugmentation aug) {
        return noiseAugmentation(aug, x -> x);
    }

    /** As {@link #noiseAugmentation(NoiseAugmentation)}, the batch's low-resolution frames first arranged onto the latent grid. */
    public static ConditioningHook noiseAugmentation(NoiseAugmentation aug, java.util.function.UnaryOperator<NDArray> arrange) {
        return (b, c, ctx) -> {
            if (b.lowRes() == null) {
                throw new IllegalArgumentException("noise augmentation: the batch has no low-resolution frames");
            }
            NDArray low = arrange.apply(b.lowRes());
            int frames = c.numVideoFrames();
            int videos = (int) (low.getShape().get(0) / frames);
            int[] levels = aug.sampleLevels(ctx.random(), videos);
            return aug.apply(c, low, levels, frames, ctx.normal(low.getShape()));
        };
    }
}
