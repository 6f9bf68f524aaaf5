package org.videoldm.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntFunction;

/**
 * Decoded videos (already shrunk to clip size) kept between clips, least recently used evicted
 * first once over budget. Decoding a 720p video takes seconds, so loader threads that ask for the
 * same video at once wait for a single decode rather than each starting one.
 */
final class FrameCache {
    private final long budgetBytes;
    private final IntFunction<RgbFrame[]> loader;
    private final LinkedHashMap<Integer, CompletableFuture<RgbFrame[]>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Integer, Long> sizes = new LinkedHashMap<>();
    private long bytes;

    FrameCache(long budgetBytes, IntFunction<RgbFrame[]> loader) {
        this.budgetBytes = budgetBytes;
        this.loader = loader;
    }

    RgbFrame[] get(int key) {
        CompletableFuture<RgbFrame[]> future;
        boolean mine = false;
        synchronized (this) {
            future = entries.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                entries.put(key, future);
                mine = true;
            }
        }
        if (mine) {
            try {
                RgbFrame[] frames = loader.apply(key);
                future.complete(frames);
                admit(key, frames);
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
                synchronized (this) {
                    entries.remove(key);
                }
                throw e;
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    private synchronized void admit(int key, RgbFrame[] frames) {
        long size = 0;
        for (RgbFrame f : frames) {
            size += f == null ? 0 : f.rgb().length;
        }
        sizes.put(key, size);
        bytes += size;
        Iterator<Map.Entry<Integer, CompletableFuture<RgbFrame[]>>> it = entries.entrySet().iterator();
        while (bytes > budgetBytes && it.hasNext()) {
            Map.Entry<Integer, CompletableFuture<RgbFrame[]>> e = it.next();
            Long s = sizes.get(e.getKey());
            if (e.getKey() != key && s != null) {
                it.remove();
                sizes.remove(e.getKey());
                bytes -= s;
            }
        }
    }
}
