package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A DJL {@link Block} whose children and parameters carry the reference implementation's names, so
 * that the dotted path of a parameter is its state-dict key ({@code input_blocks.1.1.proj_in.weight}).
 *
 * <p>DJL's own {@code addChildBlock} prefixes a running number to each name ("01Linear"), which
 * would break that mapping, so children are registered here under their exact names. Networks
 * expose typed {@code forward} methods (a UNet takes x, timesteps, context, ...); the generic
 * {@link #forwardInternal} accepts an {@link NDList} for modules that override
 * {@link #forwardList}.
 */
public abstract class Module extends AbstractBlock {
    static {
        // libtorch's process-wide switches (NNPACK off, optional allocation poisoning), before the first network runs
        org.videoldm.util.TorchFlags.init();
    }

    protected final NDManager manager;
    private final Set<String> buffers = new HashSet<>();

    protected Module(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Registers a child under the reference's exact name and returns it. */
    protected <B extends Block> B register(String name, B child) {
        children.add(name, child);
        return child;
    }

    /** Registers a parameter with its initial value; the array is owned by this module's manager. */
    protected NDArray param(String name, NDArray init) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.OTHER).build();
        init.attach(manager);
        p.setArray(init);
        parameters.put(name, p);
        return init;
    }

    /**
     * Registers a state tensor that is saved and loaded with the parameters but never trained (a torch
     * buffer, e.g. the {@code mix_factor} of a "fixed" merge strategy).
     */
    protected NDArray buffer(String name, NDArray init) {
        buffers.add(name);
        return param(name, init);
    }

    /** Dotted paths of the buffers among {@link #namedParameters()}. */
    public Set<String> bufferNames() {
        Set<String> out = new HashSet<>();
        collectBuffers("", this, out);
        return out;
    }

    private static void collectBuffers(String prefix, Block block, Set<String> out) {
        if (block instanceof Module mod) {
            for (String b : mod.buffers) {
                out.add(prefix + b);
            }
        }
        for (Pair<String, Block> c : block.getChildren()) {
            collectBuffers(prefix + c.getKey() + ".", c.getValue(), out);
        }
    }

    /** Every parameter by dotted path, in registration order (the order the reference's state_dict has). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", this, out);
        return out;
    }

    private static void collect(String prefix, Block block, Map<String, Parameter> out) {
        if (block instanceof AbstractBlock) {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                out.put(prefix + p.getKey(), p.getValue());
            }
        }
        for (Pair<String, Block> c : block.getChildren()) {
            collect(prefix + c.getKey() + ".", c.getValue(), out);
        }
    }

    /** Parameter arrays by dotted path. */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> out.put(k, p.getArray()));
        return out;
    }

    /** Marks the parameters whose path matches as trainable (gradient on) and all others frozen; buffers stay frozen. */
    public void setTrainable(Predicate<String> trainable) {
        Set<String> frozen = bufferNames();
        namedParameters().forEach((k, p) -> p.getArray().setRequiresGradient(trainable.test(k) && !frozen.contains(k)));
    }

    /** Paths of the parameters that currently take gradients. */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> {
            if (p.getArray().hasGradient()) {
                out.put(k, p.getArray());
            }
        });
        return out;
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.getArray().size();
        }
        return n;
    }

    /**
     * The {@link NDList} form of this module's forward, for use as a plain DJL block. Modules with a
     * single natural input override it; networks with several named inputs are called through their
     * typed {@code forward}.
     */
    protected NDList forwardList(NDList inputs, boolean training) {
        throw new IllegalStateException(getClass().getSimpleName() + " takes several named inputs: call its typed forward(...) method");
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return forwardList(inputs, training);
    }

    /** Parameters are created at construction, so DJL's shape-driven initialisation has nothing to do. */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        this.inputShapes = inputShapes;
    }

    @Override
    public boolean isInitialized() {
        return true;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        try (NDManager scratch = manager.newSubManager()) {
            NDList zeros = new NDList();
            for (Shape s : inputShapes) {
                zeros.add(scratch.zeros(s));
            }
            return forwardList(zeros, false).getShapes();
        }
    }
}
