package org.videoldm.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Derived seeds, so that every random draw is a pure function of (base seed, where it happens): a run
 * can stop and resume, or skip work, and still draw the same numbers without saving generator state.
 */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed from a base seed and any number of coordinates (SplitMix64 finaliser). */
    public static long derive(long base, long... coordinates) {
        long h = mix(base ^ 0x9E3779B97F4A7C15L);
        for (long c : coordinates) {
            h = mix(h + 0x9E3779B97F4A7C15L + c);
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Standard normal noise from the engine's generator, reseeded with {@code seed} first; libtorch's
     * CPU generator then gives the same numbers for the same seed and shape on every run.
     */
    public static NDArray normal(NDManager manager, Shape shape, long seed) {
        // torch's manual_seed takes a non-negative 63-bit value on all backends.
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)) & Integer.MAX_VALUE);
        return manager.randomNormal(shape);
    }
}
