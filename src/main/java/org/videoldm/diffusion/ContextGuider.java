package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * The paper's context guidance for prediction models (Sec. 3.2): classifier-free guidance in which the
 * unconditional branch is the same conditioning with the context frames dropped (masked latents and mask
 * all zero, i.e. S = 0), so the scale s >= 1 strengthens only the dependence on the given frames. Any other
 * conditioning (text, vector) is the same in both branches; the {@code uc} argument is not used.
 */
public final class ContextGuider implements Guider {
    private final float scale;

    public ContextGuider(double scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("context guidance: the scale must be at least 1, got " + scale);
        }
        this.scale = (float) scale;
    }

    public double scale() {
        return scale;
    }

    @Override
    public Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc) {
        if (c.concat() == null) {
            throw new IllegalArgumentException("context guidance needs context-frame conditioning (concat), but it is not set");
        }
        Conditioning noContext = c.withConcat(ContextMask.withoutContext(c.concat()));
        return new Inputs(Ops.cat(0, x, x), Ops.cat(0, sigma, sigma), noContext.concatBatch(c));
    }

    @Override
    public NDArray combine(NDArray denoised, NDArray sigma) {
        NDArray[] h = VanillaCFG.halves(denoised);
        return h[0].add(Ops.scale(h[1].sub(h[0]), scale));
    }
}
