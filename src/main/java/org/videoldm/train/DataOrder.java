package org.videoldm.train;

import java.util.SplittableRandom;
import org.videoldm.util.Seeds;

/**
 * Shuffled epochs over a dataset of {@code size} items, each epoch's permutation a function of (seed, epoch):
 * the items of any sample position can be computed directly, so a resumed run continues the same order.
 */
public final class DataOrder {
    private final int size;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] permutation;

    public DataOrder(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("data order: the dataset is empty");
        }
        this.size = size;
        this.seed = seed;
    }

    /** The dataset index at global sample position {@code position} (epoch = position / size). */
    public synchronized int index(long position) {
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
