package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Locale;
import org.videoldm.nn.Module;

/**
 * The learned (or fixed) mixing of a spatial and a temporal branch, {@code alpha * spatial + (1 - alpha) *
 * temporal} (sgm's {@code AlphaBlender}). Strategies:
 * <ul>
 *   <li>{@code fixed}: alpha is the raw {@code mix_factor}, a buffer (saved, never trained);
 *   <li>{@code learned}: alpha = sigmoid(mix_factor), so the parameter holds a logit;
 *   <li>{@code learned_with_images}: as learned, but alpha = 1 (spatial only) for frames whose
 *       {@code image_only_indicator} is non-zero, so images can be trained alongside videos.
 * </ul>
 * Tensors are per frame, {@code (b t) ...} with frames inner; the indicator is {@code [b, t]}.
 *
 * <p>The temporal autoencoder keeps {@code mix_factor} directly on its blocks and, in its resnet blocks,
 * mixes the other way round; those blocks wrap their own parameter with {@link #over}.
 */
public final class AlphaBlender extends Module {
    public enum Strategy {
        FIXED, LEARNED, LEARNED_WITH_IMAGES;

        public static Strategy parse(String s) {
            for (Strategy v : values()) {
                if (v.key().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown merge_strategy '" + s + "' (fixed, learned, learned_with_images)");
        }

        /** The reference's spelling. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Strategy strategy;
    private final NDArray mixFactor;

    /** A {@code time_mixer} owning its {@code mix_factor}, initialised to {@code alpha} (a logit for the learned strategies). */
    public AlphaBlender(NDManager m, double alpha, Strategy strategy) {
        super(m);
        this.strategy = strategy;
        NDArray init = m.create(new float[] {(float) alpha});
        this.mixFactor = strategy == Strategy.FIXED ? buffer("mix_factor", init) : param("mix_factor", init);
    }

    private AlphaBlender(NDManager m, NDArray mixFactor, Strategy strategy) {
        super(m);
        this.strategy = strategy;
        this.mixFactor = mixFactor;
    }

    /** A blender over a {@code mix_factor} registered by its owner (the temporal autoencoder's blocks); not itself registered. */
    public static AlphaBlender over(NDArray mixFactor, Strategy strategy) {
        return new AlphaBlender(mixFactor.getManager(), mixFactor, strategy);
    }

    public Strategy strategy() {
        return strategy;
    }

    public NDArray mixFactor() {
        return mixFactor;
    }

    /**
     * alpha ready to broadcast against a per-frame tensor of the given rank: {@code [1]} for fixed/learned,
     * {@code [(b t), 1, ...]} for learned_with_images.
     */
    public NDArray alpha(NDArray imageOnlyIndicator, int rank) {
        switch (strategy) {
            case FIXED:
                return mixFactor;
            case LEARNED:
                return Activation.sigmoid(mixFactor);
            default:
                if (imageOnlyIndicator == null) {
                    throw new IllegalArgumentException("merge_strategy learned_with_images needs an image_only_indicator [videos, frames]");
                }
                NDArray isImage = imageOnlyIndicator.toType(DataType.FLOAT32, false).neq(0f);
                NDArray learned = Activation.sigmoid(mixFactor).broadcast(imageOnlyIndicator.getShape());
                NDArray ones = imageOnlyIndicator.getManager().ones(new Shape(1)).broadcast(imageOnlyIndicator.getShape());
                return Frames.perRow(NDArrays.where(isImage, ones, learned), rank);
        }
    }

    /** {@code alpha * spatial + (1 - alpha) * temporal}. */
    public NDArray blend(NDArray spatial, NDArray temporal, NDArray imageOnlyIndicator) {
        NDArray a = alpha(imageOnlyIndicator, spatial.getShape().dimension());
        if (a.getShape().dimension() > 1 && a.getShape().get(0) != spatial.getShape().get(0)) {
            throw new IllegalArgumentException("image_only_indicator " + imageOnlyIndicator.getShape() + " does not cover the "
                    + spatial.getShape().get(0) + " frames of the batch");
        }
        return spatial.mul(a).add(temporal.mul(a.neg().add(1f)));
    }
}
