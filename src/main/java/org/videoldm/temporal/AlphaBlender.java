package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import org.videoldm.nn.Constants;
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
     * {@code [(b t), 1, ...]} for learned_with_images. New arrays belong to the indicator's manager (the parameter's
     * without an indicator).
     */
    public NDArray alpha(NDArray imageOnlyIndicator, int rank) {
        return alpha(imageOnlyIndicator == null ? mixFactor.getManager() : imageOnlyIndicator.getManager(), imageOnlyIndicator, rank);
    }

    /** {@link #alpha(NDArray, int)} with every new array in {@code scope}, so that none piles up in the parameter's manager. */
    public NDArray alpha(NDManager scope, NDArray imageOnlyIndicator, int rank) {
        switch (strategy) {
            case FIXED:
                return mixFactor;
            case LEARNED:
                return inScope(Activation.sigmoid(mixFactor), scope);
            default:
                if (imageOnlyIndicator == null) {
                    throw new IllegalArgumentException("merge_strategy learned_with_images needs an image_only_indicator [videos, frames]");
                }
                NDArray learned = inScope(Activation.sigmoid(mixFactor), scope);
                NDArray asFloat = imageOnlyIndicator.toType(DataType.FLOAT32, false);
                if (asFloat != imageOnlyIndicator) {
                    inScope(asFloat, scope);
                }
                NDArray isVideo = inScope(asFloat.eq(0f), scope);
                // torch.where broadcasts the [1] alpha and a shared 0-dim one against the [b, t] mask; the result
                // belongs to the first value's manager (DJL's NDArrays.where would need all three of one shape)
                NDArray a = JniUtils.where((PtNDArray) isVideo, (PtNDArray) learned, (PtNDArray) Constants.scalar(1f, learned.getDataType()));
                return Frames.perRow(a, rank);
        }
    }

    private static NDArray inScope(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /** {@code alpha * spatial + (1 - alpha) * temporal}; everything it makes belongs to {@code spatial}'s manager. */
    public NDArray blend(NDArray spatial, NDArray temporal, NDArray imageOnlyIndicator) {
        NDManager scope = spatial.getManager();
        NDArray a = alpha(scope, imageOnlyIndicator, spatial.getShape().dimension());
        if (a.getShape().dimension() > 1 && a.getShape().get(0) != spatial.getShape().get(0)) {
            throw new IllegalArgumentException("image_only_indicator " + imageOnlyIndicator.getShape() + " does not cover the "
                    + spatial.getShape().get(0) + " frames of the batch");
        }
        return spatial.mul(a).add(temporal.mul(inScope(a.neg(), scope).add(1f)));
    }
}
