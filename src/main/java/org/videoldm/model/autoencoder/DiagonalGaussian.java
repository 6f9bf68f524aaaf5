package org.videoldm.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Ops;

/** The encoder's posterior: moments split into mean and log-variance (clamped to [-30, 20]). */
public final class DiagonalGaussian {
    private final NDArray mean;
    private final NDArray logvar;

    public DiagonalGaussian(NDArray moments) {
        long c = moments.getShape().get(1);
        var parts = moments.split(new long[] {c / 2}, 1);
        this.mean = parts.get(0);
        this.logvar = parts.get(1).clip(-30f, 20f);
    }

    public NDArray mean() {
        return mean;
    }

    public NDArray logvar() {
        return logvar;
    }

    /** The mode of the posterior (= the mean). */
    public NDArray mode() {
        return mean;
    }

    /** A draw mean + std * eps with standard normal eps from {@code m}'s generator. */
    public NDArray sample(NDManager m) {
        NDArray std = Ops.scale(logvar, 0.5f).exp();
        return mean.add(std.mul(m.randomNormal(mean.getShape())));
    }

    /** KL divergence to N(0, I), summed over all but the batch axis: 0.5 * sum(mu^2 + var - 1 - logvar). */
    public NDArray kl() {
        NDArray v = logvar.exp();
        NDArray k = Ops.scale(mean.square().add(v).sub(1f).sub(logvar), 0.5f);
        return k.reshape(k.getShape().get(0), -1).sum(new int[] {1});
    }
}
