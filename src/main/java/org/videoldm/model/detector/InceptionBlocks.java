package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/**
 * The mixed blocks of torchvision's Inception3 with pytorch-fid's patches (FIDInceptionA/C/E_1: the
 * branch average pool excludes padding, as TensorFlow's; FIDInceptionE_2: a max pool there instead).
 * Child names are torchvision's, so {@code pt_inception-2015-12-05} state dicts load as they are.
 */
final class InceptionBlocks {
    private InceptionBlocks() {}

    static NDArray avgPool3x3(NDArray x) {
        return Pool.avgPool2d(x, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false, false);
    }

    static NDArray maxPool3x3s2(NDArray x) {
        return Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
    }

    /** InceptionA (FID patch: average pool without padded zeros). */
    static final class A extends Module {
        private final BasicConv2d b1x1;
        private final BasicConv2d b5x5_1;
        private final BasicConv2d b5x5_2;
        private final BasicConv2d b3dbl_1;
        private final BasicConv2d b3dbl_2;
        private final BasicConv2d b3dbl_3;
        private final BasicConv2d bPool;

        A(NDManager m, int in, int poolFeatures) {
            super(m);
            b1x1 = register("branch1x1", BasicConv2d.of(m, in, 64, 1));
            b5x5_1 = register("branch5x5_1", BasicConv2d.of(m, in, 48, 1));
            b5x5_2 = register("branch5x5_2", BasicConv2d.of(m, 48, 64, 5));
            b3dbl_1 = register("branch3x3dbl_1", BasicConv2d.of(m, in, 64, 1));
            b3dbl_2 = register("branch3x3dbl_2", BasicConv2d.of(m, 64, 96, 3));
            b3dbl_3 = register("branch3x3dbl_3", BasicConv2d.of(m, 96, 96, 3));
            bPool = register("branch_pool", BasicConv2d.of(m, in, poolFeatures, 1));
        }

        NDArray forward(NDArray x) {
            return Ops.cat(1, b1x1.forward(x), b5x5_2.forward(b5x5_1.forward(x)),
                    b3dbl_3.forward(b3dbl_2.forward(b3dbl_1.forward(x))), bPool.forward(avgPool3x3(x)));
        }
    }

    /** InceptionB: the grid reduction 35 -> 17. */
    static final class B extends Module {
        private final BasicConv2d b3x3;
        private final BasicConv2d b3dbl_1;
        private final BasicConv2d b3dbl_2;
        private final BasicConv2d b3dbl_3;

        B(NDManager m, int in) {
            super(m);
            b3x3 = register("branch3x3", new BasicConv2d(m, in, 384, 3, 3, 2, 0, 0));
            b3dbl_1 = register("branch3x3dbl_1", BasicConv2d.of(m, in, 64, 1));
            b3dbl_2 = register("branch3x3dbl_2", BasicConv2d.of(m, 64, 96, 3));
            b3dbl_3 = register("branch3x3dbl_3", new BasicConv2d(m, 96, 96, 3, 3, 2, 0, 0));
        }

        NDArray forward(NDArray x) {
            return Ops.cat(1, b3x3.forward(x), b3dbl_3.forward(b3dbl_2.forward(b3dbl_1.forward(x))), maxPool3x3s2(x));
        }
    }

    /** InceptionC (FID patch: average pool without padded zeros): factorised 7x7 branches. */
    static final class C extends Module {
        private final BasicConv2d b1x1;
        private final BasicConv2d[] b7 = new BasicConv2d[3];
        private final BasicConv2d[] b7dbl = new BasicConv2d[5];
        private final BasicConv2d bPool;

        C(NDManager m, int in, int c7) {
            super(m);
            b1x1 = register("branch1x1", BasicConv2d.of(m, in, 192, 1));
            b7[0] = register("branch7x7_1", BasicConv2d.of(m, in, c7, 1));
            b7[1] = register("branch7x7_2", new BasicConv2d(m, c7, c7, 1, 7, 1, 0, 3));
            b7[2] = register("branch7x7_3", new BasicConv2d(m, c7, 192, 7, 1, 1, 3, 0));
            b7dbl[0] = register("branch7x7dbl_1", BasicConv2d.of(m, in, c7, 1));
            b7dbl[1] = register("branch7x7dbl_2", new BasicConv2d(m, c7, c7, 7, 1, 1, 3, 0));
            b7dbl[2] = register("branch7x7dbl_3", new BasicConv2d(m, c7, c7, 1, 7, 1, 0, 3));
            b7dbl[3] = register("branch7x7dbl_4", new BasicConv2d(m, c7, c7, 7, 1, 1, 3, 0));
            b7dbl[4] = register("branch7x7dbl_5", new BasicConv2d(m, c7, 192, 1, 7, 1, 0, 3));
            bPool = register("branch_pool", BasicConv2d.of(m, in, 192, 1));
        }

        NDArray forward(NDArray x) {
            NDArray a = x;
            for (BasicConv2d c : b7) {
                a = c.forward(a);
            }
            NDArray d = x;
            for (BasicConv2d c : b7dbl) {
                d = c.forward(d);
            }
            return Ops.cat(1, b1x1.forward(x), a, d, bPool.forward(avgPool3x3(x)));
        }
    }

    /** InceptionD: the grid reduction 17 -> 8. */
    static final class D extends Module {
        private final BasicConv2d b3_1;
        private final BasicConv2d b3_2;
        private final BasicConv2d[] b7x3 = new BasicConv2d[4];

        D(NDManager m, int in) {
            super(m);
            b3_1 = register("branch3x3_1", BasicConv2d.of(m, in, 192, 1));
            b3_2 = register("branch3x3_2", new BasicConv2d(m, 192, 320, 3, 3, 2, 0, 0));
            b7x3[0] = register("branch7x7x3_1", BasicConv2d.of(m, in, 192, 1));
            b7x3[1] = register("branch7x7x3_2", new BasicConv2d(m, 192, 192, 1, 7, 1, 0, 3));
            b7x3[2] = register("branch7x7x3_3", new BasicConv2d(m, 192, 192, 7, 1, 1, 3, 0));
            b7x3[3] = register("branch7x7x3_4", new BasicConv2d(m, 192, 192, 3, 3, 2, 0, 0));
        }

        NDArray forward(NDArray x) {
            NDArray b = x;
            for (BasicConv2d c : b7x3) {
                b = c.forward(b);
            }
            return Ops.cat(1, b3_2.forward(b3_1.forward(x)), b, maxPool3x3s2(x));
        }
    }

    /** InceptionE; {@code maxPoolBranch} selects FIDInceptionE_2's max pool over E_1's padding-free average pool. */
    static final class E extends Module {
        private final boolean maxPoolBranch;
        private final BasicConv2d b1x1;
        private final BasicConv2d b3_1;
        private final BasicConv2d b3_2a;
        private final BasicConv2d b3_2b;
        private final BasicConv2d b3dbl_1;
        private final BasicConv2d b3dbl_2;
        private final BasicConv2d b3dbl_3a;
        private final BasicConv2d b3dbl_3b;
        private final BasicConv2d bPool;

        E(NDManager m, int in, boolean maxPoolBranch) {
            super(m);
            this.maxPoolBranch = maxPoolBranch;
            b1x1 = register("branch1x1", BasicConv2d.of(m, in, 320, 1));
            b3_1 = register("branch3x3_1", BasicConv2d.of(m, in, 384, 1));
            b3_2a = register("branch3x3_2a", new BasicConv2d(m, 384, 384, 1, 3, 1, 0, 1));
            b3_2b = register("branch3x3_2b", new BasicConv2d(m, 384, 384, 3, 1, 1, 1, 0));
            b3dbl_1 = register("branch3x3dbl_1", BasicConv2d.of(m, in, 448, 1));
            b3dbl_2 = register("branch3x3dbl_2", BasicConv2d.of(m, 448, 384, 3));
            b3dbl_3a = register("branch3x3dbl_3a", new BasicConv2d(m, 384, 384, 1, 3, 1, 0, 1));
            b3dbl_3b = register("branch3x3dbl_3b", new BasicConv2d(m, 384, 384, 3, 1, 1, 1, 0));
            bPool = register("branch_pool", BasicConv2d.of(m, in, 192, 1));
        }

        NDArray forward(NDArray x) {
            NDArray t = b3_1.forward(x);
            NDArray d = b3dbl_2.forward(b3dbl_1.forward(x));
            NDArray pooled = maxPoolBranch
                    ? Pool.maxPool2d(x, new Shape(3, 3), new Shape(1, 1), new Shape(1, 1), false)
                    : avgPool3x3(x);
            return Ops.cat(1, b1x1.forward(x), b3_2a.forward(t), b3_2b.forward(t), b3dbl_3a.forward(d), b3dbl_3b.forward(d), bPool.forward(pooled));
        }
    }
}
