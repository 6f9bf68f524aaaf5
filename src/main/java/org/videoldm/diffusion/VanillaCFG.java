package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * Classifier-free guidance on the denoised estimate: one network call on [unconditional; conditional]
 * (unconditional half first, as the reference batches it), then {@code D_u + scale * (D_c - D_u)}.
 */
public class VanillaCFG implements Guider {
    private final float scale;

    public VanillaCFG(double scale) {
        this.scale = (float) scale;
    }

    public double scale() {
        return scale;
    }

    @Override
    public Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc) {
        return new Inputs(Ops.cat(0, x, x), Ops.cat(0, sigma, sigma), uc.concatBatch(c));
    }

    @Override
    public NDArray combine(NDArray denoised, NDArray sigma) {
        NDArray[] halves = halves(denoised);
        return halves[0].add(Ops.scale(halves[1].sub(halves[0]), scale));
    }

    /** The unconditional and conditional halves of a guided batch. */
    static NDArray[] halves(NDArray denoised) {
        long n = denoised.getShape().get(0);
        if (n % 2 != 0) {
            throw new IllegalArgumentException("guidance: the denoised batch has an odd size " + n);
        }
        return new NDArray[] {denoised.get("0:" + n / 2), denoised.get(n / 2 + ":")};
    }
}
