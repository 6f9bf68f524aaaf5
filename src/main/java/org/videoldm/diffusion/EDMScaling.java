package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * Karras et al.'s preconditioning for data of standard deviation sigma_data (0.5 by default):
 * {@code c_skip = sd^2/(s^2+sd^2)}, {@code c_out = s sd/sqrt(s^2+sd^2)}, {@code c_in = 1/sqrt(s^2+sd^2)}, {@code c_noise = 0.25 ln s}.
 */
public final class EDMScaling implements DenoiserScaling {
    private final float sigmaData;

    public EDMScaling() {
        this(0.5);
    }

    public EDMScaling(double sigmaData) {
        if (!(sigmaData > 0)) {
            throw new IllegalArgumentException("EDMScaling: sigma_data must be positive, got " + sigmaData);
        }
        this.sigmaData = (float) sigmaData;
    }

    public double sigmaData() {
        return sigmaData;
    }

    @Override
    public Coefficients scale(NDArray sigma) {
        float sd2 = sigmaData * sigmaData;
        NDArray total = sigma.square().add(sd2);
        NDArray cSkip = total.getNDArrayInternal().rdiv(sd2);
        NDArray cOut = Ops.scale(sigma, sigmaData).div(total.sqrt());
        NDArray cIn = total.sqrt().getNDArrayInternal().rdiv(1f);
        NDArray cNoise = Ops.scale(sigma.log(), 0.25f);
        return new Coefficients(cSkip, cOut, cIn, cNoise);
    }
}
