package org.videoldm.train.stages;

import java.util.ArrayList;
import java.util.List;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipSource;
import org.videoldm.data.SamplingWeights;
import org.videoldm.train.DataOrder;
import org.videoldm.train.StepContext;
import org.videoldm.util.Seeds;

/**
 * Training clips for the pixel-space stages (autoencoder, decoder): weighted draws over the clips (each data source
 * its share, each video alike) whose order and augmentation (crop, flip) are a function of (seed, step, micro-batch),
 * so a resumed run sees the same clips.
 * Decoded frames stay in the dataset's cache, so later epochs do not decode again.
 */
public final class ClipSampler {
    private final ClipSource source;
    private final DataOrder order;
    private final long seed;
    private final int accumulation;

    /** Balanced draws: each data source its share, each video of a source alike ({@link SamplingWeights}). */
    public ClipSampler(ClipSource source, long seed, int accumulation, java.util.Map<String, Double> shares) {
        this.source = source;
        List<String> ids = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            ids.add(source.clipId(i));
        }
        this.order = DataOrder.weighted(SamplingWeights.balanced(ids, shares), seed);
        this.seed = seed;
        this.accumulation = accumulation;
    }

    public ClipSource source() {
        return source;
    }

    /** The {@code count} clips of this micro-batch. */
    public List<Clip> clips(StepContext ctx, int count) {
        int[] idx = order.batch(ctx.step(), ctx.micro(), accumulation, count);
        List<Clip> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(source.clip(idx[i], Seeds.derive(seed, 0xC11B, ctx.step(), ctx.micro(), i)));
        }
        return out;
    }
}
