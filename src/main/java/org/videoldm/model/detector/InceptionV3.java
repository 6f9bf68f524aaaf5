package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;

/**
 * The FID Inception-v3 (pytorch-fid's {@code fid_inception_v3()}: torchvision's Inception3 with 1008
 * classes, no aux head, and the FIDInceptionA/C/E patches that reproduce TensorFlow's graph of
 * {@code inception-2015-12-05}). Keys are the weight file's own ({@code Conv2d_1a_3x3.conv.weight},
 * {@code Mixed_7c.branch_pool.bn.running_var}, {@code fc.weight}).
 *
 * <p>{@link #pool3} gives the 2048-d features FID uses (after the global average pool), from input
 * [N, 3, H, W] already scaled to [-1, 1] and resized to 299 x 299 (see the FID recipe).
 */
public final class InceptionV3 extends Module {
    public static final int FEATURES = 2048;
    public static final int CLASSES = 1008;

    private final BasicConv2d c1a;
    private final BasicConv2d c2a;
    private final BasicConv2d c2b;
    private final BasicConv2d c3b;
    private final BasicConv2d c4a;
    private final InceptionBlocks.A m5b;
    private final InceptionBlocks.A m5c;
    private final InceptionBlocks.A m5d;
    private final InceptionBlocks.B m6a;
    private final InceptionBlocks.C[] m6 = new InceptionBlocks.C[4];
    private final InceptionBlocks.D m7a;
    private final InceptionBlocks.E m7b;
    private final InceptionBlocks.E m7c;
    private final Linear fc;

    public InceptionV3(NDManager m) {
        super(m);
        c1a = register("Conv2d_1a_3x3", new BasicConv2d(m, 3, 32, 3, 3, 2, 0, 0));
        c2a = register("Conv2d_2a_3x3", new BasicConv2d(m, 32, 32, 3, 3, 1, 0, 0));
        c2b = register("Conv2d_2b_3x3", new BasicConv2d(m, 32, 64, 3, 3, 1, 1, 1));
        c3b = register("Conv2d_3b_1x1", new BasicConv2d(m, 64, 80, 1, 1, 1, 0, 0));
        c4a = register("Conv2d_4a_3x3", new BasicConv2d(m, 80, 192, 3, 3, 1, 0, 0));
        m5b = register("Mixed_5b", new InceptionBlocks.A(m, 192, 32));
        m5c = register("Mixed_5c", new InceptionBlocks.A(m, 256, 64));
        m5d = register("Mixed_5d", new InceptionBlocks.A(m, 288, 64));
        m6a = register("Mixed_6a", new InceptionBlocks.B(m, 288));
        m6[0] = register("Mixed_6b", new InceptionBlocks.C(m, 768, 128));
        m6[1] = register("Mixed_6c", new InceptionBlocks.C(m, 768, 160));
        m6[2] = register("Mixed_6d", new InceptionBlocks.C(m, 768, 160));
        m6[3] = register("Mixed_6e", new InceptionBlocks.C(m, 768, 192));
        m7a = register("Mixed_7a", new InceptionBlocks.D(m, 768));
        m7b = register("Mixed_7b", new InceptionBlocks.E(m, 1280, false));
        m7c = register("Mixed_7c", new InceptionBlocks.E(m, 2048, true));
        fc = register("fc", new Linear(m, FEATURES, CLASSES, true));
    }

    /** x [N, 3, H, W] in [-1, 1] (H, W >= 75) gives pool3 features [N, 2048]. */
    public NDArray pool3(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("InceptionV3: input must be [N, 3, H, W], got " + s);
        }
        NDArray h = c2b.forward(c2a.forward(c1a.forward(x)));
        h = InceptionBlocks.maxPool3x3s2(h);
        h = c4a.forward(c3b.forward(h));
        h = InceptionBlocks.maxPool3x3s2(h);
        h = m6a.forward(m5d.forward(m5c.forward(m5b.forward(h))));
        for (InceptionBlocks.C c : m6) {
            h = c.forward(h);
        }
        h = m7c.forward(m7b.forward(m7a.forward(h)));
        return Pool.globalAvgPool2d(h).reshape(s.get(0), FEATURES);
    }

    /** Class logits from pool3 features; {@code withBias} false gives the unbiased logits the original Inception Score used. */
    public NDArray logits(NDArray pool3, boolean withBias) {
        return withBias ? fc.forward(pool3) : ai.djl.nn.core.Linear.linear(pool3, fc.weight()).singletonOrThrow();
    }
}
