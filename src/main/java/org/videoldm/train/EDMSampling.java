package org.videoldm.train;

import java.util.SplittableRandom;

/** Karras et al.'s log-normal noise levels: {@code ln sigma ~ N(p_mean, p_std^2)} (defaults -1.2, 1.2). */
public final class EDMSampling implements SigmaSampling {
    private final double pMean;
    private final double pStd;

    public EDMSampling() {
        this(-1.2, 1.2);
    }

    public EDMSampling(double pMean, double pStd) {
        this.pMean = pMean;
        this.pStd = pStd;
    }

    @Override
    public float[] sample(int n, SplittableRandom rng) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.exp(pMean + pStd * rng.nextGaussian());
        }
        return out;
    }
}
