package org.videoldm.train;

import java.util.SplittableRandom;

/** How training picks noise levels (sgm's sigma_sampling). */
@FunctionalInterface
public interface SigmaSampling {
    float[] sample(int n, SplittableRandom rng);
}
