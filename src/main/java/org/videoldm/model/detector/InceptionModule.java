package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/** The I3D port's {@code InceptionModule}: four branches (1x1; 1x1-3x3; 1x1-3x3; max-pool-1x1) concatenated on channels. */
public final class InceptionModule extends Module {
    private static final long[] ONE = {1, 1, 1};
    private static final long[] THREE = {3, 3, 3};
    private final Unit3D b0;
    private final Unit3D b1a;
    private final Unit3D b1b;
    private final Unit3D b2a;
    private final Unit3D b2b;
    private final Unit3D b3b;

    /** out = [b0, b1a, b1b, b2a, b2b, b3b] channel counts, as the reference lists them. */
    public InceptionModule(NDManager m, int in, int[] out, float bnEps) {
        super(m);
        b0 = register("b0", Unit3D.unit(m, in, out[0], ONE, ONE, bnEps));
        b1a = register("b1a", Unit3D.unit(m, in, out[1], ONE, ONE, bnEps));
        b1b = register("b1b", Unit3D.unit(m, out[1], out[2], THREE, ONE, bnEps));
        b2a = register("b2a", Unit3D.unit(m, in, out[3], ONE, ONE, bnEps));
        b2b = register("b2b", Unit3D.unit(m, out[3], out[4], THREE, ONE, bnEps));
        b3b = register("b3b", Unit3D.unit(m, in, out[5], ONE, ONE, bnEps));
    }

    public NDArray forward(NDArray x) {
        NDArray pooled = Pool.maxPool3d(SamePadding.pad(x, THREE, ONE), new Shape(THREE), new Shape(ONE), new Shape(0, 0, 0), false);
        return Ops.cat(1, b0.forward(x), b1b.forward(b1a.forward(x)), b2b.forward(b2a.forward(x)), b3b.forward(pooled));
    }

    public static int outChannels(int[] out) {
        return out[0] + out[2] + out[4] + out[5];
    }
}
