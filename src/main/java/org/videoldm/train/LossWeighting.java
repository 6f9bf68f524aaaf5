package org.videoldm.train;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * The per-sample weight lambda(sigma) of the denoising loss (sgm's loss_weighting). The weighting that matches a
 * denoiser's scaling makes the loss the network's own target error: {@link #eps()} (1/sigma^2) for EpsScaling,
 * {@link #v()} for the v scalings, {@link #edm(double)} for EDMScaling.
 */
@FunctionalInterface
public interface LossWeighting {
    NDArray weight(NDArray sigma);

    /** UnitWeighting: 1. */
    static LossWeighting unit() {
        return NDArray::onesLike;
    }

    /** EpsWeighting: sigma^-2. */
    static LossWeighting eps() {
        return s -> s.square().getNDArrayInternal().rdiv(1f);
    }

    /** EDMWeighting: (sigma^2 + sd^2) / (sigma sd)^2. */
    static LossWeighting edm(double sigmaData) {
        float sd2 = (float) (sigmaData * sigmaData);
        return s -> s.square().add(sd2).div(Ops.scale(s.square(), sd2));
    }

    /** VWeighting: EDMWeighting with sigma_data 1. */
    static LossWeighting v() {
        return edm(1.0);
    }
}
