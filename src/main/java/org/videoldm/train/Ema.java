package org.videoldm.train;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Module;

/**
 * Exponential moving average of the trainable weights (sgm's {@code LitEma}): after each optimizer step
 * {@code ema -= (1 - d) (ema - p)} with {@code d = min(decay, (1 + n) / (10 + n))}, n the number of updates, so
 * early averages are not dominated by the random initialisation. {@link #swapIn}/{@link #swapOut} sample with
 * the averaged weights and go back (the reference's {@code ema_scope}).
 */
public final class Ema implements AutoCloseable {
    private final double decay;
    private final NDManager manager;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();
    private Map<String, NDArray> stored;
    private long numUpdates;

    /** Starts from the module's current trainable weights. */
    public Ema(Module module, double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("EMA: decay must be in [0, 1], got " + decay);
        }
        this.decay = decay;
        this.manager = module.manager().newSubManager();
        module.trainableParameters().forEach((k, p) -> shadow.put(k, copy(p)));
    }

    public double decay() {
        return decay;
    }

    public long numUpdates() {
        return numUpdates;
    }

    /** The averaged weights by parameter name (live arrays). */
    public Map<String, NDArray> shadow() {
        return shadow;
    }

    public void update(Module module, NDManager scratch) {
        numUpdates++;
        double d = Math.min(decay, (1.0 + numUpdates) / (10.0 + numUpdates));
        Map<String, NDArray> params = module.stateDict();
        for (Map.Entry<String, NDArray> e : shadow.entrySet()) {
            NDArray diff = e.getValue().sub(params.get(e.getKey()));
            diff.attach(scratch);
            e.getValue().subi(Ops.scaleInPlace(diff, (float) (1 - d)));
        }
    }

    /** Puts the averaged weights into the module, keeping the training weights to restore. */
    public void swapIn(Module module) {
        if (stored != null) {
            throw new IllegalStateException("EMA weights are already swapped in");
        }
        stored = new LinkedHashMap<>();
        Map<String, NDArray> params = module.stateDict();
        shadow.forEach((k, s) -> {
            stored.put(k, copy(params.get(k)));
            StateDict.assign(params.get(k), s);
        });
    }

    /** Restores the training weights after {@link #swapIn}. */
    public void swapOut(Module module) {
        if (stored == null) {
            throw new IllegalStateException("EMA weights are not swapped in");
        }
        Map<String, NDArray> params = module.stateDict();
        stored.forEach((k, s) -> {
            StateDict.assign(params.get(k), s);
            s.close();
        });
        stored = null;
    }

    /** Restores a saved average. */
    public void load(long updates, Map<String, NDArray> values) {
        if (!values.keySet().equals(shadow.keySet())) {
            throw new IllegalArgumentException("EMA: checkpoint holds averages for " + values.size() + " parameters, the model trains " + shadow.size()
                    + " (different trainable set?)");
        }
        numUpdates = updates;
        values.forEach((k, a) -> {
            shadow.get(k).close();
            shadow.put(k, copy(a));
        });
    }

    private NDArray copy(NDArray a) {
        NDArray c = StateDict.realCopy(a, DataType.FLOAT32);
        c.attach(manager);
        return c;
    }

    @Override
    public void close() {
        manager.close();
    }
}
