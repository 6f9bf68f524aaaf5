package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * DDIM (Song et al. 2021) with stochasticity eta, for noise-prediction models on a DDPM schedule. The loop
 * keeps x in the sigma parameterisation of the other samplers ({@code x = x_ddpm / sqrt(abar)}); each step
 * maps to DDPM variables, {@code abar = 1 / (1 + sigma^2)}, applies
 * {@code x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - s_t^2) eps + s_t z} with
 * {@code s_t = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev)}, and maps back.
 * eta 0 is the deterministic DDIM, eta 1 the DDPM posterior variance.
 */
public class DDIMSampler extends DiffusionSampler {
    private final double eta;

    public DDIMSampler(Discretization discretization, int numSteps, Guider guider) {
        this(discretization, numSteps, guider, 0.0);
    }

    public DDIMSampler(Discretization discretization, int numSteps, Guider guider, double eta) {
        super(discretization, numSteps, guider);
        if (eta < 0) {
            throw new IllegalArgumentException("DDIM: eta must not be negative, got " + eta);
        }
        this.eta = eta;
    }

    public double eta() {
        return eta;
    }

    @Override
    protected NDArray step(Step s) {
        double sigma = s.sigma();
        double next = s.nextSigma();
        NDArray x = s.x();
        NDArray x0 = s.denoise(x, s.sigma());
        if (next <= 0) {
            return x0;
        }
        NDArray eps = Ops.divide(x.sub(x0), (float) sigma);
        double abar = 1 / (1 + sigma * sigma);
        double abarPrev = 1 / (1 + next * next);
        double st = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
        double dir = Math.sqrt(Math.max(0, 1 - abarPrev - st * st));
        double back = 1 / Math.sqrt(abarPrev);
        // x_prev / sqrt(abar_prev) with x0's coefficient sqrt(abar_prev) / sqrt(abar_prev) = 1
        NDArray out = x0.add(Ops.scale(eps, (float) (dir * back)));
        if (st > 0) {
            out = out.add(Ops.scale(s.randn(), (float) (st * back)));
        }
        return out;
    }
}
