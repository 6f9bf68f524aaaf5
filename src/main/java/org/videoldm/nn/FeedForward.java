package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The reference's {@code FeedForward}: {@code net.0} projects in (GEGLU {@code net.0.proj} when gated,
 * else {@code net.0.0} Linear + GELU), {@code net.1} is dropout, {@code net.2} projects out.
 */
public class FeedForward extends Module {
    private final boolean glu;
    private final Linear projIn;
    private final Linear projOut;

    public FeedForward(NDManager m, int dim, Integer dimOut, int mult, boolean glu) {
        super(m);
        this.glu = glu;
        int inner = dim * mult;
        int out = dimOut == null ? dim : dimOut;
        ModuleList net = register("net", new ModuleList(m));
        if (glu) {
            ModuleList geglu = net.add(0, new ModuleList(m));
            projIn = geglu.add("proj", new Linear(m, dim, inner * 2, true));
        } else {
            ModuleList seq = net.add(0, new ModuleList(m));
            projIn = seq.add(0, new Linear(m, dim, inner, true));
        }
        projOut = net.add(2, new Linear(m, inner, out, true));
    }

    public NDArray forward(NDArray x) {
        NDArray h = projIn.forward(x);
        if (glu) {
            int last = h.getShape().dimension() - 1;
            var parts = h.split(new long[] {h.getShape().get(last) / 2}, last);
            h = parts.get(0).mul(Ops.gelu(parts.get(1)));
        } else {
            h = Ops.gelu(h);
        }
        return projOut.forward(h);
    }
}
