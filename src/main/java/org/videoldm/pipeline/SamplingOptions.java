package org.videoldm.pipeline;

import java.util.Locale;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.EDMDiscretization;
import org.videoldm.diffusion.EulerEDMSampler;
import org.videoldm.diffusion.Guider;
import org.videoldm.diffusion.HeunEDMSampler;
import org.videoldm.util.Progress;

/**
 * How our EDM-preconditioned toy models are sampled: Euler or Heun (Karras et al.'s second-order method, two
 * network calls per step except the last) on the EDM schedule sigma 0.002 .. 80, rho 7.
 *
 * @param sampler {@code euler} or {@code heun}
 * @param progress where a progress bar goes (see {@link Progress.Mode})
 */
public record SamplingOptions(int steps, String sampler, Progress.Mode progress) {
    public static final double SIGMA_MIN = 0.002;
    public static final double SIGMA_MAX = 80;
    public static final double RHO = 7;

    public SamplingOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("sampling: steps must be positive, got " + steps);
        }
        sampler = sampler.toLowerCase(Locale.ROOT);
        if (!sampler.equals("euler") && !sampler.equals("heun")) {
            throw new IllegalArgumentException("sampling: sampler must be euler or heun, got '" + sampler + "'");
        }
    }

    public static SamplingOptions defaults() {
        return new SamplingOptions(25, "euler", Progress.Mode.AUTO);
    }

    public SamplingOptions withSteps(int n) {
        return new SamplingOptions(n, sampler, progress);
    }

    public SamplingOptions withSampler(String s) {
        return new SamplingOptions(steps, s, progress);
    }

    public SamplingOptions withProgress(Progress.Mode p) {
        return new SamplingOptions(steps, sampler, p);
    }

    /** The sampler with this guider (null: none). */
    public DiffusionSampler sampler(Guider guider) {
        EDMDiscretization d = new EDMDiscretization(SIGMA_MIN, SIGMA_MAX, RHO);
        DiffusionSampler s = sampler.equals("heun") ? new HeunEDMSampler(d, steps, guider) : new EulerEDMSampler(d, steps, guider);
        return s.progress(progress);
    }
}
