package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * sgm's {@code Denoiser}: wraps a network in a preconditioning,
 * {@code D(x, sigma, cond) = network(x * c_in, c_noise, cond) * c_out + x * c_skip}. The scaling decides what
 * the network predicts (noise, v, or EDM's F); subclasses may snap sigma and c_noise to a discrete grid.
 */
public class Denoiser {
    protected final DenoiserScaling scaling;

    public Denoiser(DenoiserScaling scaling) {
        this.scaling = scaling;
    }

    public DenoiserScaling scaling() {
        return scaling;
    }

    /** The noise level actually used for {@code sigma} (identity here; a grid point for discrete denoisers). */
    public NDArray possiblyQuantizeSigma(NDArray sigma) {
        return sigma;
    }

    /** The network's noise conditioning as it is fed to the network (identity here). */
    public NDArray possiblyQuantizeCNoise(NDArray cNoise) {
        return cNoise;
    }

    /**
     * @param input noisy input [N, ...] at noise level sigma
     * @param sigma [N] noise levels, or a single value for the whole batch
     */
    public NDArray forward(DiffusionNetwork network, NDArray input, NDArray sigma, Conditioning cond) {
        long n = input.getShape().get(0);
        NDArray s = sigma.getShape().size() == 1 && n != 1 ? sigma.reshape(1).repeat(0, n) : sigma.reshape(-1);
        if (s.getShape().get(0) != n) {
            throw new IllegalArgumentException("denoiser: " + s.getShape().get(0) + " sigmas for a batch of " + n);
        }
        s = possiblyQuantizeSigma(s);
        DenoiserScaling.Coefficients c = scaling.scale(s);
        NDArray cNoise = possiblyQuantizeCNoise(c.cNoise());
        Shape column = columnShape(input);
        NDArray out = network.apply(input.mul(c.cIn().reshape(column)), cNoise, cond);
        return out.mul(c.cOut().reshape(column)).add(input.mul(c.cSkip().reshape(column)));
    }

    /** This denoiser applied to {@code network}: the function a sampler integrates. */
    public DenoiseFunction bind(DiffusionNetwork network) {
        return (x, sigma, cond) -> forward(network, x, sigma, cond);
    }

    /** [N, 1, ..., 1] matching the input's rank, so per-row coefficients broadcast (sgm's append_dims). */
    static Shape columnShape(NDArray input) {
        long[] dims = new long[input.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = input.getShape().get(0);
        return new Shape(dims);
    }
}
