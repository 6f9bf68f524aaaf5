package org.videoldm.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of clips in a seeded order, loaded ahead on a small thread pool while the caller trains.
 * Batches stay uint8 {@link Clip}s: turning them into tensors happens on the caller's thread, in the
 * caller's {@code NDManager} (see {@link VideoTensors}). The same seed and epoch give the same
 * batches with the same augmentations, whatever the thread timing.
 */
public final class BatchLoader implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ClipSource source;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int prefetch;
    private final ExecutorService pool;

    /**
     * @param threads loader threads; each loads whole batches
     * @param dropLast leave out a last batch smaller than batchSize
     */
    public BatchLoader(ClipSource source, int batchSize, long seed, boolean shuffle, boolean dropLast, int threads) {
        if (batchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("batch size and threads must be positive");
        }
        this.source = source;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.prefetch = 2 * threads;
        int poolId = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "clip-loader-" + poolId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int batchesPerEpoch() {
        int n = source.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Clip indices of one epoch in order (a seeded shuffle unless shuffling is off). */
    public int[] order(int epoch) {
        int n = source.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(mix(seed, epoch, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /** The batches of one epoch; iterate once, on one thread. */
    public Iterable<List<Clip>> epoch(int epoch) {
        return () -> new Batches(epoch);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Distinct, well-mixed seeds per (epoch, clip) so augmentations never depend on load order. */
    static long mix(long seed, int epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class Batches implements Iterator<List<Clip>> {
        private final int epoch;
        private final int[] order;
        private final int count;
        private final ArrayDeque<Future<List<Clip>>> ahead = new ArrayDeque<>();
        private int submitted;
        private int delivered;

        Batches(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.count = batchesPerEpoch();
            while (submitted < count && ahead.size() < prefetch) {
                submit();
            }
        }

        private void submit() {
            int from = submitted * batchSize;
            int to = Math.min(order.length, from + batchSize);
            ahead.add(pool.submit(() -> {
                List<Clip> batch = new ArrayList<>(to - from);
                for (int k = from; k < to; k++) {
                    batch.add(source.clip(order[k], mix(seed, epoch, order[k])));
                }
                return batch;
            }));
            submitted++;
        }

        @Override
        public boolean hasNext() {
            return delivered < count;
        }

        @Override
        public List<Clip> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Future<List<Clip>> f = ahead.poll();
            if (submitted < count) {
                submit();
            }
            delivered++;
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading clips", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
