package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * Context guidance and label guidance in one step, as two-condition classifier-free guidance (InstructPix2Pix, Eq. 3):
 * the conditions are added one at a time, and each scale multiplies the step its condition adds. Three branches, batched
 * into one network call: neither condition, the first alone, both. With context first that is
 *
 * <pre>D = D(no ctx, no labels) + s_c [D(ctx, no labels) - D(no ctx, no labels)] + s_l [D(ctx, labels) - D(ctx, no labels)]</pre>
 *
 * and with labels first {@code D = D(no ctx, no labels) + s_l [D(no ctx, labels) - D(no ctx, no labels)] + s_c [D(ctx,
 * labels) - D(no ctx, labels)]}. "No context" is the context dropped as in {@link ContextGuider}; "no labels" is the
 * {@code uc} argument's non-context conditioning (for {@link LabelConditioner} the all-zero vector of dropped groups).
 *
 * <p>The order matters once the two conditions interact: the results differ by {@code (s_c - s_l)} times the
 * interaction {@code D(ctx, no) + D(no, labels) - D(no, no) - D(ctx, labels)}. Labels first, {@code s_l = 1} is exactly
 * {@link ContextGuider} with the labels in both branches; context first, {@code s_c = 1} is exactly {@link VanillaCFG}
 * on the labels with the context in both branches. Both at 1 give the conditional prediction.
 */
public final class ContextLabelGuider implements Guider {
    /** Which condition is added first (the outer one). */
    public enum Order { CONTEXT_FIRST, LABELS_FIRST }

    private final float contextScale;
    private final float labelScale;
    private final Order order;

    public ContextLabelGuider(double contextScale, double labelScale, Order order) {
        if (!(contextScale >= 1) || !(labelScale >= 1)) {
            throw new IllegalArgumentException("context and label guidance: both scales must be at least 1, got " + contextScale + " and " + labelScale);
        }
        this.contextScale = (float) contextScale;
        this.labelScale = (float) labelScale;
        this.order = order;
    }

    public double contextScale() {
        return contextScale;
    }

    public double labelScale() {
        return labelScale;
    }

    public Order order() {
        return order;
    }

    @Override
    public Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc) {
        if (c.concat() == null) {
            throw new IllegalArgumentException("context and label guidance need context-frame conditioning (concat), but it is not set");
        }
        if (uc == null || uc == c) {
            // the sampler passes cond itself when no uc is given: the label branches would coincide
            throw new IllegalArgumentException("context and label guidance need the unconditional (labels dropped) conditioning as uc");
        }
        NDArray noContext = ContextMask.withoutContext(c.concat());
        Conditioning neither = uc.withConcat(noContext);
        Conditioning first = order == Order.CONTEXT_FIRST ? uc.withConcat(c.concat()) : c.withConcat(noContext);
        return new Inputs(Ops.cat(0, x, x, x), Ops.cat(0, sigma, sigma, sigma), neither.concatBatch(first).concatBatch(c));
    }

    @Override
    public NDArray combine(NDArray denoised, NDArray sigma) {
        long n = denoised.getShape().get(0);
        if (n % 3 != 0) {
            throw new IllegalArgumentException("context and label guidance: the denoised batch of " + n + " rows is not three branches");
        }
        long k = n / 3;
        NDArray d0 = denoised.get("0:" + k);
        NDArray d1 = denoised.get(k + ":" + 2 * k);
        NDArray d2 = denoised.get(2 * k + ":");
        float outer = order == Order.CONTEXT_FIRST ? contextScale : labelScale;
        float inner = order == Order.CONTEXT_FIRST ? labelScale : contextScale;
        return d0.add(Ops.scale(d1.sub(d0), outer)).add(Ops.scale(d2.sub(d1), inner));
    }
}
