package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * CLIP's training loss: the symmetric InfoNCE of a batch of N matching (image, text) pairs. Both embeddings are
 * L2-normalised, the logits are their cosines times exp(logit_scale), and the loss is the mean of the cross-entropy of
 * each image against all N texts (the right one on the diagonal) and of each text against all N images. The learned
 * log-temperature is clamped to [0, ln 100] in the forward pass, as OpenAI clamps it after each step: beyond 100 it
 * takes no gradient and stops growing.
 */
public final class ContrastiveLoss {
    /** OpenAI's cap on the logit scale (temperature 0.01). */
    public static final float MAX_LOG_SCALE = (float) Math.log(100);

    private ContrastiveLoss() {}

    /** imageEmbeds [N, D], textEmbeds [N, D] (row i of each a pair), logScale 0-dim; returns the scalar loss. */
    public static NDArray loss(NDArray imageEmbeds, NDArray textEmbeds, NDArray logScale) {
        NDArray logits = logits(imageEmbeds, textEmbeds, logScale);
        long n = logits.getShape().get(0);
        NDArray eye = logits.getManager().eye((int) n);
        NDArray perImage = logits.logSoftmax(1).mul(eye).sum();
        NDArray perText = logits.logSoftmax(0).mul(eye).sum();
        return Ops.scale(perImage.add(perText), -0.5f / n);
    }

    /** [N, N] logits: image i against text j. */
    public static NDArray logits(NDArray imageEmbeds, NDArray textEmbeds, NDArray logScale) {
        if (!imageEmbeds.getShape().equals(textEmbeds.getShape()) || imageEmbeds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("contrastive loss: embeddings must both be [N, D], got " + imageEmbeds.getShape() + " and "
                    + textEmbeds.getShape());
        }
        NDArray cos = normalize(imageEmbeds).matMul(normalize(textEmbeds).transpose());
        return cos.mul(logScale.clip(0f, MAX_LOG_SCALE).exp());
    }

    /** Rows divided by their L2 norm. */
    public static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }
}
