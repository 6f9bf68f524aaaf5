package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.videoldm.data.LatentDataset;
import org.videoldm.train.DataOrder;
import org.videoldm.train.StepContext;

/**
 * Batches of cached latents for the diffusion stages, multiplied by the autoencoder's scale factor: single frames
 * (image pre-training) or whole clips (temporal layers), clips drawn from (seed, step) with each data source its
 * share and each video alike, each sample
 * mirrored left-right with probability 1/2 when flips are on.
 */
public final class LatentBatches {
    private final LatentDataset data;
    private final DataOrder order;
    private final int accumulation;
    private final boolean flip;

    public LatentBatches(LatentDataset data, long seed, int accumulation, boolean flip, java.util.Map<String, Double> shares) {
        this.data = data;
        this.order = DataOrder.weighted(weights(data, shares), seed);
        this.accumulation = accumulation;
        this.flip = flip;
    }

    /** Balanced weights of the cached clips by their ids ({@link SamplingWeights}). */
    static double[] weights(LatentDataset data, java.util.Map<String, Double> shares) {
        java.util.List<String> ids = new java.util.ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            ids.add(data.clipId(i));
        }
        return org.videoldm.data.SamplingWeights.balanced(ids, shares);
    }

    public LatentDataset data() {
        return data;
    }

    /** Frames per clip. */
    public int frames() {
        return (int) data.clipShape().get(0);
    }

    /** One random frame of each of {@code count} clips: {@code [count, C, h, w]}, scaled. */
    public NDArray frames(StepContext ctx, int count) {
        NDArray clips = data.scaledBatch(order.batch(ctx.step(), ctx.micro(), accumulation, count), ctx.manager());
        NDList rows = new NDList();
        for (int i = 0; i < count; i++) {
            rows.add(clips.get(new NDIndex("{}, {}", i, ctx.random().nextInt(frames()))));
        }
        return mirror(NDArrays.stack(rows), 1, ctx);
    }

    /** {@code count} whole clips, frames inner: {@code [(count T), C, h, w]}, scaled. */
    public NDArray clips(StepContext ctx, int count) {
        NDArray clips = data.scaledBatch(order.batch(ctx.step(), ctx.micro(), accumulation, count), ctx.manager());
        Shape s = clips.getShape();
        return mirror(clips.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4)), frames(), ctx);
    }

    /** The ids of the clips {@link #clips} draws for this micro-batch (the draw depends on the step alone). */
    public java.util.List<String> ids(StepContext ctx, int count) {
        java.util.List<String> out = new java.util.ArrayList<>(count);
        for (int i : order.batch(ctx.step(), ctx.micro(), accumulation, count)) {
            out.add(data.clipId(i));
        }
        return out;
    }

    /** Mirrors groups of {@code group} rows (a frame or a clip) with probability 1/2 each. */
    private NDArray mirror(NDArray x, int group, StepContext ctx) {
        if (!flip) {
            return x;
        }
        long groups = x.getShape().get(0) / group;
        float[] mask = new float[(int) x.getShape().get(0)];
        for (int g = 0; g < groups; g++) {
            float v = ctx.random().nextBoolean() ? 1f : 0f;
            for (int r = 0; r < group; r++) {
                mask[g * group + r] = v;
            }
        }
        NDArray m = ctx.manager().create(mask, new Shape(mask.length, 1, 1, 1));
        return x.mul(m.neg().add(1f)).add(x.flip(3).mul(m));
    }
}
