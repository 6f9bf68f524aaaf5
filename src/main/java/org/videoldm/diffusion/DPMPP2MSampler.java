package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;

/**
 * DPM-Solver++(2M) (Lu et al. 2022), sgm's {@code DPMPP2MSampler}: an exponential-integrator step in
 * t = -ln sigma on the denoised estimate, made second order by extrapolating from the previous step's
 * estimate. The first step and the last (to sigma 0) are first order.
 */
public class DPMPP2MSampler extends DiffusionSampler {
    public DPMPP2MSampler(Discretization discretization, int numSteps, Guider guider) {
        super(discretization, numSteps, guider);
    }

    @Override
    protected NDArray step(Step s) {
        float sigma = s.sigma();
        float next = s.nextSigma();
        NDArray x = s.x();
        NDArray denoised = s.denoise(x, sigma);
        NDArray old = s.carry();
        s.setCarry(denoised);
        if (next <= 0) {
            // t_next = inf: the exponential step lands exactly on the denoised estimate.
            return denoised;
        }
        double t = -Math.log(sigma);
        double tNext = -Math.log(next);
        double h = tNext - t;
        float mult1 = (float) (next / (double) sigma);
        float mult2 = (float) Math.expm1(-h);
        if (old == null) {
            return Ops.scale(x, mult1).sub(Ops.scale(denoised, mult2));
        }
        double hLast = t + Math.log(s.previousSigma());
        double r = hLast / h;
        float mult3 = (float) (1 + 1 / (2 * r));
        float mult4 = (float) (1 / (2 * r));
        NDArray denoisedD = Ops.scale(denoised, mult3).sub(Ops.scale(old, mult4));
        return Ops.scale(x, mult1).sub(Ops.scale(denoisedD, mult2));
    }
}
