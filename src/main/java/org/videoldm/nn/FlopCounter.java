package org.videoldm.nn;

/**
 * Counts the floating-point operations of convolutions, linear layers and attention as a forward pass runs,
 * from the layer shapes (a multiply-add is 2 FLOPs): conv 2*Cin*Cout*prod(kernel)*prod(output size) per
 * sample, linear 2*in*out per token, attention 4*N*M*d per batch-head (scores and weighted sum). Element-wise
 * work (norms, activations, softmax) is left out, as is customary. Counting is off unless a caller opens a
 * {@link #start() scope}; it is per thread.
 */
public final class FlopCounter implements AutoCloseable {
    private static final ThreadLocal<FlopCounter> ACTIVE = new ThreadLocal<>();

    private long conv;
    private long linear;
    private long attention;
    private final FlopCounter outer;

    private FlopCounter(FlopCounter outer) {
        this.outer = outer;
    }

    /** Starts counting on this thread until {@link #close()}. */
    public static FlopCounter start() {
        FlopCounter c = new FlopCounter(ACTIVE.get());
        ACTIVE.set(c);
        return c;
    }

    static void conv(long flops) {
        FlopCounter c = ACTIVE.get();
        if (c != null) {
            c.conv += flops;
        }
    }

    static void linear(long flops) {
        FlopCounter c = ACTIVE.get();
        if (c != null) {
            c.linear += flops;
        }
    }

    static void attention(long flops) {
        FlopCounter c = ACTIVE.get();
        if (c != null) {
            c.attention += flops;
        }
    }

    static boolean counting() {
        return ACTIVE.get() != null;
    }

    public long conv() {
        return conv;
    }

    public long linear() {
        return linear;
    }

    public long attention() {
        return attention;
    }

    public long total() {
        return conv + linear + attention;
    }

    @Override
    public void close() {
        ACTIVE.set(outer);
    }
}
