package org.videoldm.train;

import java.util.SplittableRandom;
import org.videoldm.diffusion.Discretization;
import org.videoldm.diffusion.LegacyDDPMDiscretization;

/** DDPM training levels: a timestep index uniform in [0, num_idx), and its sigma on the discretization's grid. */
public final class DiscreteSampling implements SigmaSampling {
    private final float[] sigmas;

    /** The reference's {@code discretization(num_idx, do_append_zero, flip)} grid. */
    public DiscreteSampling(Discretization discretization, int numIdx, boolean doAppendZero, boolean flip) {
        float[] desc = discretization.sigmas(numIdx, doAppendZero);
        sigmas = new float[desc.length];
        for (int i = 0; i < desc.length; i++) {
            sigmas[i] = flip ? desc[desc.length - 1 - i] : desc[i];
        }
    }

    /** Stable Diffusion's 1000 DDPM steps. */
    public static DiscreteSampling legacyDDPM() {
        return new DiscreteSampling(new LegacyDDPMDiscretization(), 1000, false, true);
    }

    public float idxToSigma(int idx) {
        return sigmas[idx];
    }

    @Override
    public float[] sample(int n, SplittableRandom rng) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = sigmas[rng.nextInt(sigmas.length)];
        }
        return out;
    }
}
