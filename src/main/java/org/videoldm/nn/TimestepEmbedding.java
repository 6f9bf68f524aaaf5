package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The sinusoidal embedding of sgm's {@code timestep_embedding}: {@code [cos(t f) | sin(t f)]}, f_i = max_period^(-i/half). */
public final class TimestepEmbedding {
    private TimestepEmbedding() {}

    public static NDArray embed(NDArray timesteps, int dim) {
        return embed(timesteps, dim, 10000.0);
    }

    public static NDArray embed(NDArray timesteps, int dim, double maxPeriod) {
        int half = dim / 2;
        NDArray t = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray freqs = Ops.scale(timesteps.getManager().arange(0f, (float) half), (float) (-Math.log(maxPeriod) / half)).exp().reshape(1, half);
        NDArray args = t.mul(freqs);
        NDArray emb = NDArrays.concat(new ai.djl.ndarray.NDList(args.cos(), args.sin()), -1);
        if (dim % 2 == 1) {
            emb = NDArrays.concat(new ai.djl.ndarray.NDList(emb, emb.getManager().zeros(new Shape(emb.getShape().get(0), 1))), -1);
        }
        return emb;
    }

    /**
     * The embedding of frame positions 0..frames-1 for each of {@code videos} videos ({@code (b t) dim}, frames inner),
     * as {@code embed(arange(frames).tile(videos), dim, maxPeriod)}: the per-frame rows are a cached constant, so a call
     * is one tile op; the result belongs to {@code scope}.
     */
    public static NDArray frames(NDManager scope, long videos, int frames, int dim, double maxPeriod, DataType type) {
        NDArray rows = Constants.cached("frame-embedding/" + frames + "/" + dim + "/" + maxPeriod + "/" + type,
                sm -> embed(sm.arange(0f, (float) frames), dim, maxPeriod).toType(type, false));
        NDArray t = rows.tile(new long[] {videos, 1});
        t.attach(scope);
        return t;
    }
}
