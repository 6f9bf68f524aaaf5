package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;

/** One UNet block: layers named 0, 1, ... applied in order, each taking the inputs it needs. */
public class TimestepEmbedSequential extends Module implements TimestepBlock {
    private final List<TimestepBlock> layers = new ArrayList<>();

    public TimestepEmbedSequential(NDManager m) {
        super(m);
    }

    public <L extends TimestepBlock> L add(L layer) {
        if (!(layer instanceof Block)) {
            throw new IllegalArgumentException(layer.getClass().getSimpleName() + " is not a Block");
        }
        register(Integer.toString(layers.size()), (Block) layer);
        layers.add(layer);
        return layer;
    }

    public List<TimestepBlock> layers() {
        return layers;
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        for (TimestepBlock l : layers) {
            x = l.forward(x, in);
        }
        return x;
    }
}
