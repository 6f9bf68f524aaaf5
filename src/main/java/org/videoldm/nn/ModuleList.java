package org.videoldm.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * A named container, as torch's {@code nn.Sequential}/{@code nn.ModuleList} appear in state-dict
 * keys ({@code in_layers.0}, {@code in_layers.2}). The owner calls the children itself; gaps in the
 * numbering (parameter-free SiLU or Dropout layers) are kept as in the reference.
 */
public final class ModuleList extends Module {
    private final List<Block> items = new ArrayList<>();

    public ModuleList(NDManager manager) {
        super(manager);
    }

    public <B extends Block> B add(String name, B child) {
        items.add(child);
        return register(name, child);
    }

    public <B extends Block> B add(int index, B child) {
        return add(Integer.toString(index), child);
    }

    public int size() {
        return items.size();
    }

    public Block get(int i) {
        return items.get(i);
    }

    public List<Block> items() {
        return items;
    }
}
