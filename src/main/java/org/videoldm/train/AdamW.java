package org.videoldm.train;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;

/**
 * AdamW (Loshchilov and Hutter) as torch.optim.AdamW computes it: decoupled weight decay
 * {@code p *= 1 - lr wd}, moments {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, and
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. Its state (step count and both moments per
 * parameter) is plain arrays, so a checkpoint can hold it and a resumed run continues bit for bit.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long t;

    public AdamW(NDManager parent, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
            throw new IllegalArgumentException("AdamW: need 0 <= betas < 1 and eps > 0, got " + beta1 + ", " + beta2 + ", " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.manager = parent.newSubManager();
    }

    /** Optimizer steps taken. */
    public long stepCount() {
        return t;
    }

    /** Starts the next step; every parameter updated in it uses the same bias corrections. */
    public void beginStep() {
        t++;
    }

    /**
     * Updates one parameter in place.
     *
     * @param scratch manager for temporaries (the step's)
     */
    public void update(String name, NDArray param, NDArray grad, double lr, double weightDecay, NDManager scratch) {
        if (t == 0) {
            throw new IllegalStateException("AdamW: call beginStep() before update()");
        }
        NDArray mi = m.computeIfAbsent(name, k -> zeros(param));
        NDArray vi = v.computeIfAbsent(name, k -> zeros(param));
        if (weightDecay != 0) {
            Ops.scaleInPlace(param, (float) (1 - lr * weightDecay));
        }
        Ops.scaleInPlace(mi, (float) beta1).addi(scoped(Ops.scale(grad, (float) (1 - beta1)), scratch));
        Ops.scaleInPlace(vi, (float) beta2).addi(scoped(Ops.scale(grad.square(), (float) (1 - beta2)), scratch));
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        NDArray denom = scoped(vi.sqrt(), scratch);
        denom.divi(Ops.constant(denom, (float) Math.sqrt(bc2))).addi((float) eps);
        NDArray update = scoped(mi.div(denom), scratch);
        Ops.scaleInPlace(update, (float) (lr / bc1));
        param.subi(update);
    }

    private NDArray zeros(NDArray like) {
        return manager.zeros(like.getShape(), DataType.FLOAT32);
    }

    private static NDArray scoped(NDArray a, NDManager scratch) {
        a.attach(scratch);
        return a;
    }

    /** First moments by parameter name (live arrays; copy to keep). */
    public Map<String, NDArray> firstMoments() {
        return m;
    }

    public Map<String, NDArray> secondMoments() {
        return v;
    }

    /** Restores the state saved from {@link #firstMoments()}, {@link #secondMoments()} and {@link #stepCount()}. */
    public void load(long stepCount, Map<String, NDArray> first, Map<String, NDArray> second) {
        clear();
        t = stepCount;
        first.forEach((k, a) -> m.put(k, copy(a)));
        second.forEach((k, a) -> v.put(k, copy(a)));
    }

    private NDArray copy(NDArray a) {
        NDArray c = StateDict.realCopy(a, DataType.FLOAT32);
        c.attach(manager);
        return c;
    }

    private void clear() {
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
        m.clear();
        v.clear();
    }

    @Override
    public void close() {
        manager.close();
    }
}
