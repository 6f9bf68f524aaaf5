package org.videoldm.train;

import java.util.SplittableRandom;
import org.videoldm.util.Seeds;

/**
 * Shuffled epochs over a dataset of {@code size} items, each epoch's permutation a function of (seed, epoch), or
 * independent weighted draws ({@link #weighted}): the items of any sample position can be computed directly, so a
 * resumed run continues the same order.
 */
public final class DataOrder {
    private final int size;
    private final long seed;
    private final double[] cumulative;
    private long cachedEpoch = -1;
    private int[] permutation;

    public DataOrder(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("data order: the dataset is empty");
        }
        this.size = size;
        this.seed = seed;
        this.cumulative = null;
    }

    private DataOrder(double[] weights, long seed) {
        if (weights.length < 1) {
            throw new IllegalArgumentException("data order: the dataset is empty");
        }
        this.size = weights.length;
        this.seed = seed;
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("data order: weight " + i + " is " + weights[i]);
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("data order: all weights are zero");
        }
    }

    /**
     * Items drawn independently with probability proportional to {@code weights} (with replacement), each position's
     * draw a function of (seed, position), so a resumed run draws the same.
     */
    public static DataOrder weighted(double[] weights, long seed) {
        return new DataOrder(weights, seed);
    }

    /** The dataset index at global sample position {@code position} (epoch = position / size). */
    public synchronized int index(long position) {
        if (cumulative != null) {
            double u = new SplittableRandom(Seeds.derive(seed, 0x3E16, position)).nextDouble() * cumulative[cumulative.length - 1];
            int i = java.util.Arrays.binarySearch(cumulative, u);
            i = i >= 0 ? i + 1 : -i - 1; // the first item whose cumulative weight exceeds u
            return Math.min(i, cumulative.length - 1);
        }
        long epoch = position / size;
        if (epoch != cachedEpoch) {
            permutation = permutation(epoch);
            cachedEpoch = epoch;
        }
        return permutation[(int) (position % size)];
    }

    /** The {@code batchSize} indices of micro-batch {@code micro} of optimizer step {@code step}. */
    public int[] batch(long step, int micro, int accumulation, int batchSize) {
        int[] out = new int[batchSize];
        long start = (step * accumulation + micro) * (long) batchSize;
        for (int i = 0; i < batchSize; i++) {
            out[i] = index(start + i);
        }
        return out;
    }

    private int[] permutation(long epoch) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(Seeds.derive(seed, 0x0DA7A, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
