package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.videoldm.nn.Module;

/**
 * Data x0 ~ N(m, s^2) per dimension, for which the optimal denoiser is known in closed form:
 * {@code D(x, sigma) = (s^2 x + sigma^2 m) / (s^2 + sigma^2)}. The probability-flow ODE is then linear: it carries
 * {@code (x - m) / sqrt(s^2 + sigma^2)} unchanged, so a deterministic sampler started from
 * {@code N(0, 1 + sigma_0^2)} (the reference's start) ends exactly at
 * {@code m + s (x_T - m) / sqrt(s^2 + sigma_0^2)}: mean {@code m (1 - s / sqrt(s^2 + sigma_0^2))}, standard
 * deviation {@code s sqrt(1 + sigma_0^2) / sqrt(s^2 + sigma_0^2)}.
 */
record GaussianData(double mean, double std) {

    NDArray denoise(NDArray x, NDArray sigma) {
        NDArray s2 = sigma.square().reshape(Denoiser.columnShape(x));
        float v = (float) (std * std);
        return x.mul(v).add(s2.mul((float) mean)).div(s2.add(v));
    }

    DenoiseFunction denoiser() {
        return (x, sigma, cond) -> denoise(x, sigma);
    }

    /** Mean of the exact ODE solution from the reference's start at sigma_0. */
    double odeMean(double sigma0) {
        return mean * (1 - std / Math.sqrt(std * std + sigma0 * sigma0));
    }

    double odeStd(double sigma0) {
        return std * Math.sqrt(1 + sigma0 * sigma0) / Math.sqrt(std * std + sigma0 * sigma0);
    }

    /**
     * The exact noise-prediction network of a DDPM model for this data, as a discrete denoiser calls it: input
     * {@code x / sqrt(1 + sigma^2)} and the timestep index t whose grid sigma is sigma.
     */
    DiffusionNetwork epsNetwork(DiscreteDenoiser grid) {
        return new DiffusionNetwork() {
            @Override
            public NDArray apply(NDArray u, NDArray cNoise, Conditioning cond) {
                float[] t = cNoise.toType(DataType.FLOAT32, false).toFloatArray();
                float[] sig = new float[t.length];
                for (int i = 0; i < t.length; i++) {
                    sig[i] = grid.idxToSigma(Math.round(t[i]));
                }
                NDArray sigma = u.getManager().create(sig);
                NDArray col = sigma.reshape(Denoiser.columnShape(u));
                NDArray x = u.mul(col.square().add(1f).sqrt());
                return x.sub(denoise(x, sigma)).div(col);
            }

            @Override
            public Module module() {
                throw new UnsupportedOperationException("closed-form network");
            }
        };
    }

    /** {mean, std} of a sample. */
    static double[] stats(NDArray samples) {
        double[] v = samples.toType(DataType.FLOAT64, false).toDoubleArray();
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        double mu = sum / v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mu) * (d - mu);
        }
        return new double[] {mu, Math.sqrt(ss / (v.length - 1))};
    }

    static NDArray noise(NDManager m, int n, long seed) {
        return org.videoldm.util.Seeds.normal(m, new ai.djl.ndarray.types.Shape(n, 1, 1, 1), seed);
    }
}
