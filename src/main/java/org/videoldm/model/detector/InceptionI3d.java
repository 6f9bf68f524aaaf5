package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.Module;

/**
 * I3D (Carreira and Zisserman's inflated Inception-v1) as the widely used PyTorch port
 * ({@code pytorch_i3d.InceptionI3d}) builds it, so its Kinetics-400 state dicts load by their own key
 * names ({@code Conv3d_1a_7x7.conv3d.weight}, {@code Mixed_3b.b1b.bn.running_var},
 * {@code logits.conv3d.bias}, ...). TF-style SAME padding is computed from the input size, batch norm
 * uses eps 1e-3 (the TensorFlow original's; one PyTorch FVD copy uses 1e-5, see {@link #InceptionI3d(NDManager, int, float)}).
 *
 * <p>{@link #forward} returns the class logits averaged over the remaining time steps: [N, classes]
 * for input [N, 3, T, H, W] in [-1, 1]. At the recipe's 16 x 224 x 224 one time step remains, so the
 * average is the logits themselves. The final average pool is [2, 7, 7] as in the reference; on inputs
 * too small for it (toy settings only) its window is clipped to the feature map.
 */
public final class InceptionI3d extends Module {
    public static final float TF_BN_EPS = 1e-3f;
    private static final long[] ONE = {1, 1, 1};

    private final Unit3D conv1a;
    private final Unit3D conv2b;
    private final Unit3D conv2c;
    private final List<InceptionModule> mixed3 = new ArrayList<>();
    private final List<InceptionModule> mixed4 = new ArrayList<>();
    private final List<InceptionModule> mixed5 = new ArrayList<>();
    private final Unit3D logits;
    private final int numClasses;

    public InceptionI3d(NDManager m) {
        this(m, 400, TF_BN_EPS);
    }

    public InceptionI3d(NDManager m, int numClasses, float bnEps) {
        super(m);
        this.numClasses = numClasses;
        conv1a = register("Conv3d_1a_7x7", Unit3D.unit(m, 3, 64, new long[] {7, 7, 7}, new long[] {2, 2, 2}, bnEps));
        conv2b = register("Conv3d_2b_1x1", Unit3D.unit(m, 64, 64, ONE, ONE, bnEps));
        conv2c = register("Conv3d_2c_3x3", Unit3D.unit(m, 64, 192, new long[] {3, 3, 3}, ONE, bnEps));
        int c = 192;
        c = mixed(m, mixed3, "Mixed_3b", c, new int[] {64, 96, 128, 16, 32, 32}, bnEps);
        c = mixed(m, mixed3, "Mixed_3c", c, new int[] {128, 128, 192, 32, 96, 64}, bnEps);
        c = mixed(m, mixed4, "Mixed_4b", c, new int[] {192, 96, 208, 16, 48, 64}, bnEps);
        c = mixed(m, mixed4, "Mixed_4c", c, new int[] {160, 112, 224, 24, 64, 64}, bnEps);
        c = mixed(m, mixed4, "Mixed_4d", c, new int[] {128, 128, 256, 24, 64, 64}, bnEps);
        c = mixed(m, mixed4, "Mixed_4e", c, new int[] {112, 144, 288, 32, 64, 64}, bnEps);
        c = mixed(m, mixed4, "Mixed_4f", c, new int[] {256, 160, 320, 32, 128, 128}, bnEps);
        c = mixed(m, mixed5, "Mixed_5b", c, new int[] {256, 160, 320, 32, 128, 128}, bnEps);
        c = mixed(m, mixed5, "Mixed_5c", c, new int[] {384, 192, 384, 48, 128, 128}, bnEps);
        logits = register("logits", new Unit3D(m, c, numClasses, ONE, ONE, false, true, false, bnEps));
    }

    private int mixed(NDManager m, List<InceptionModule> into, String name, int in, int[] out, float bnEps) {
        into.add(register(name, new InceptionModule(m, in, out, bnEps)));
        return InceptionModule.outChannels(out);
    }

    /** x [N, 3, T, H, W] in [-1, 1] gives time-averaged logits [N, classes]. */
    public NDArray forward(NDArray x) {
        NDArray h = features(x);
        NDArray l = logits.forward(h);
        long[] s = l.getShape().getShape();
        return l.reshape(s[0], s[1], -1).mean(new int[] {2});
    }

    /** The Mixed_5c output after the final average pool: [N, 1024, T', H', W']. */
    public NDArray features(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(1) != 3) {
            throw new IllegalArgumentException("InceptionI3d: input must be [N, 3, T, H, W], got " + s);
        }
        NDArray h = conv1a.forward(x);
        h = maxPool(h, new long[] {1, 3, 3}, new long[] {1, 2, 2});
        h = conv2c.forward(conv2b.forward(h));
        h = maxPool(h, new long[] {1, 3, 3}, new long[] {1, 2, 2});
        for (InceptionModule mod : mixed3) {
            h = mod.forward(h);
        }
        h = maxPool(h, new long[] {3, 3, 3}, new long[] {2, 2, 2});
        for (InceptionModule mod : mixed4) {
            h = mod.forward(h);
        }
        h = maxPool(h, new long[] {2, 2, 2}, new long[] {2, 2, 2});
        for (InceptionModule mod : mixed5) {
            h = mod.forward(h);
        }
        long[] hs = h.getShape().getShape();
        Shape window = new Shape(Math.min(2, hs[2]), Math.min(7, hs[3]), Math.min(7, hs[4]));
        return Pool.avgPool3d(h, window, new Shape(1, 1, 1), new Shape(0, 0, 0), false, true);
    }

    private static NDArray maxPool(NDArray x, long[] kernel, long[] stride) {
        return Pool.maxPool3d(SamePadding.pad(x, kernel, stride), new Shape(kernel), new Shape(stride), new Shape(0, 0, 0), false);
    }

    public int numClasses() {
        return numClasses;
    }
}
