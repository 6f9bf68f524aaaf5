package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Constant arrays the networks' forward passes need on every call (the identity affine of a layer-norm, a scale
 * factor, the sinusoid of frame positions), made once per key in engine memory and shared by all modules. Creating
 * them per call costs native ops and allocations each time. Nobody may write to or close them; they live as long as
 * the process (one entry per distinct key: a handful per network and resolution). An op whose first operand is a
 * constant puts its result in the constants' manager: attach such a result to the caller's scope.
 */
public final class Constants {
    private Constants() {}

    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static final Map<String, NDArray> CACHE = new ConcurrentHashMap<>();

    /** A vector of {@code length} copies of {@code value}. */
    public static NDArray filled(float value, long length, DataType type) {
        return CACHE.computeIfAbsent(value + "/" + length + "/" + type, k -> MANAGER.full(new Shape(length), value, type));
    }

    /** A 0-dim {@code value}. */
    public static NDArray scalar(float value, DataType type) {
        return CACHE.computeIfAbsent(value + "/scalar/" + type, k -> MANAGER.full(new Shape(), value, type));
    }

    /** The array {@code make} builds (in a scratch manager it may fill with intermediates), built once per key. */
    public static NDArray cached(String key, Function<NDManager, NDArray> make) {
        String k = "cached/" + key;
        NDArray hit = CACHE.get(k);
        if (hit != null) {
            return hit;
        }
        // built outside the map's lock, so that make may itself use cached constants
        NDArray made;
        try (NDManager scratch = MANAGER.newSubManager()) {
            made = make.apply(scratch);
            made.attach(MANAGER);
        }
        NDArray earlier = CACHE.putIfAbsent(k, made);
        if (earlier != null) {
            made.close();
            return earlier;
        }
        return made;
    }

    /** Number of cached arrays (for tests). */
    static int size() {
        return CACHE.size();
    }
}
