package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.List;
import org.videoldm.nn.Linear;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/**
 * Car boxes to cross-attention tokens (the paper's bounding-box-conditioned image LDM; the encoding follows GLIGEN's
 * grounding tokens): each box's four normalised corners through Fourier features, sin and cos of 2^k pi c for
 * k = 0..num_freqs-1, then an MLP ({@code linears.0}, SiLU, {@code linears.2}) to the context width, plus a learned
 * embedding of the box's class ({@code car_embedding}; one class here). A fixed number of tokens: slots without a box hold
 * a learned {@code null_token}; a leading token is the learned {@code layout_token} when a layout is given (even an empty
 * one: "no car" is a condition) and the null token when the layout is dropped, so that the unconditional input for
 * guidance is all null tokens and differs from an empty road.
 *
 * <p>Input, packed so that it travels as a conditioning array: [B, 1 + max_boxes, 8 num_freqs + 1], row 0 the flag
 * "layout given" in its last column, rows 1.. each box's Fourier features and the flag "slot holds a box"
 * ({@link #pack}). Output [B, 1 + max_boxes, context_dim].
 */
public final class BoxEmbedder extends Module {
    /** Sizes, under the names the configs use. */
    public record Config(int max_boxes, int num_freqs, int hidden_dim, int context_dim) {
        public Config {
            if (max_boxes < 1 || num_freqs < 1 || hidden_dim < 1 || context_dim < 1) {
                throw new IllegalArgumentException("box embedder: every size must be positive");
            }
        }

        public int featureDim() {
            return 8 * num_freqs;
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("max_boxes", max_boxes);
            o.addProperty("num_freqs", num_freqs);
            o.addProperty("hidden_dim", hidden_dim);
            o.addProperty("context_dim", context_dim);
            return o;
        }

        public static Config fromJson(JsonObject o) {
            return new Config(o.get("max_boxes").getAsInt(), o.get("num_freqs").getAsInt(), o.get("hidden_dim").getAsInt(),
                    o.get("context_dim").getAsInt());
        }
    }

    private final Config config;
    private final Linear in;
    private final Linear out;
    private final NDArray carEmbedding;
    private final NDArray layoutToken;
    private final NDArray nullToken;

    public BoxEmbedder(NDManager m, Config c) {
        super(m);
        this.config = c;
        ModuleList linears = register("linears", new ModuleList(m));
        in = linears.add(0, new Linear(m, c.featureDim(), c.hidden_dim(), true));
        out = linears.add(2, new Linear(m, c.hidden_dim(), c.context_dim(), true));
        carEmbedding = param("car_embedding", Ops.scale(m.randomNormal(new Shape(c.context_dim())), 0.02f));
        layoutToken = param("layout_token", Ops.scale(m.randomNormal(new Shape(c.context_dim())), 0.02f));
        nullToken = param("null_token", Ops.scale(m.randomNormal(new Shape(c.context_dim())), 0.02f));
    }

    public Config config() {
        return config;
    }

    /** Fourier features of one box's corners {x0, y0, x1, y1}: for each corner coordinate, sin then cos of 2^k pi c. */
    public static float[] fourier(double[] corners, int numFreqs) {
        float[] f = new float[8 * numFreqs];
        int i = 0;
        for (double c : corners) {
            for (int k = 0; k < numFreqs; k++) {
                double a = Math.scalb(Math.PI, k) * c;
                f[i++] = (float) Math.sin(a);
                f[i++] = (float) Math.cos(a);
            }
        }
        return f;
    }

    /**
     * The packed input of a batch: per row its boxes' corners (at most max_boxes), and whether its layout is given
     * (false: dropped, every token null). Computed in Java: the boxes are data, never part of the gradient.
     */
    public NDArray pack(NDManager m, List<List<double[]>> boxes, boolean[] given) {
        int n = config.max_boxes();
        int width = config.featureDim() + 1;
        float[] v = new float[boxes.size() * (n + 1) * width];
        for (int b = 0; b < boxes.size(); b++) {
            List<double[]> row = boxes.get(b);
            if (row.size() > n) {
                throw new IllegalArgumentException("box embedder: " + row.size() + " boxes, at most " + n);
            }
            int base = b * (n + 1) * width;
            v[base + width - 1] = given[b] ? 1f : 0f;
            if (!given[b]) {
                continue;
            }
            for (int j = 0; j < row.size(); j++) {
                int o = base + (j + 1) * width;
                System.arraycopy(fourier(row.get(j), config.num_freqs()), 0, v, o, width - 1);
                v[o + width - 1] = 1f;
            }
        }
        // copied into engine memory: m.create keeps the values in a Java direct buffer, which the garbage collector may free
        // while autograd still holds the features for the backward pass (see util.JavaBuffers)
        NDArray javaBacked = m.create(v, new Shape(boxes.size(), n + 1, width));
        NDArray packed = javaBacked.duplicate();
        javaBacked.close();
        return packed;
    }

    /** Tokens [B, 1 + max_boxes, context_dim] of a packed input. */
    public NDArray forward(NDArray packed) {
        long width = config.featureDim() + 1;
        if (packed.getShape().dimension() != 3 || packed.getShape().get(1) != config.max_boxes() + 1 || packed.getShape().get(2) != width) {
            throw new IllegalArgumentException("box embedder: packed input must be [B, " + (config.max_boxes() + 1) + ", " + width + "], got "
                    + packed.getShape());
        }
        NDArray features = packed.get(":, 1:, :-1");
        NDArray present = packed.get(":, 1:, -1:");
        NDArray given = packed.get(":, :1, -1:");
        NDArray boxes = out.forward(Ops.silu(in.forward(features))).add(carEmbedding);
        NDArray slots = boxes.mul(present).add(nullToken.mul(Ops.constant(present, 1f).sub(present)));
        NDArray first = layoutToken.mul(given).add(nullToken.mul(Ops.constant(given, 1f).sub(given)));
        return Ops.cat(1, first, slots);
    }
}
