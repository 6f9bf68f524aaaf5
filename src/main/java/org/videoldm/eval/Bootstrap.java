package org.videoldm.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The percentile bootstrap behind every interval of the ablation table: the statistic on resamples drawn with
 * replacement, and the 2.5th and 97.5th percentiles of those draws as the 95% interval.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** {@code value} with the 95% percentile interval of {@code draws} (NaN bounds without draws). */
    public static Ablations.Estimate interval(double value, double[] draws) {
        double[] d = draws.clone();
        Arrays.sort(d);
        if (d.length == 0) {
            return new Ablations.Estimate(value, Double.NaN, Double.NaN);
        }
        return new Ablations.Estimate(value, d[(int) Math.floor(0.025 * (d.length - 1))], d[(int) Math.ceil(0.975 * (d.length - 1))]);
    }

    /** As many rows as {@code rows}, each drawn from them with replacement. */
    public static double[][] resample(double[][] rows, SplittableRandom rng) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[rng.nextInt(rows.length)];
        }
        return out;
    }

    /** As {@link #resample(double[][], SplittableRandom)} for a sample of numbers. */
    public static double[] resample(double[] sample, SplittableRandom rng) {
        double[] out = new double[sample.length];
        for (int i = 0; i < sample.length; i++) {
            out[i] = sample[rng.nextInt(sample.length)];
        }
        return out;
    }

    /** {@code statistic} of {@code sample} with its 95% percentile interval over {@code resamples} resamples (seeded). */
    public static Ablations.Estimate of(double[] sample, ToDoubleFunction<double[]> statistic, int resamples, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            draws[k] = statistic.applyAsDouble(resample(sample, rng));
        }
        return interval(statistic.applyAsDouble(sample), draws);
    }
}
