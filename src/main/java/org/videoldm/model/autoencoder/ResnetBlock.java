package org.videoldm.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/** The autoencoder's residual block (no timestep embedding): norm1, conv1, norm2, conv2, nin_shortcut. */
public class ResnetBlock extends Module {
    private final GroupNorm norm1;
    private final Conv conv1;
    private final GroupNorm norm2;
    private final Conv conv2;
    private final Conv shortcut;

    public ResnetBlock(NDManager m, int in, int out) {
        super(m);
        norm1 = register("norm1", GroupNorm.normalize(m, in));
        conv1 = register("conv1", Conv.conv2d(m, in, out, 3));
        norm2 = register("norm2", GroupNorm.normalize(m, out));
        conv2 = register("conv2", Conv.conv2d(m, out, out, 3));
        shortcut = in == out ? null : register("nin_shortcut", Conv.conv2d(m, in, out, 1));
    }

    /** x [N, C, H, W]; {@code timesteps} (frames per video) is ignored here and used by the temporal subclass. */
    public NDArray forward(NDArray x, int timesteps) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        return (shortcut == null ? x : shortcut.forward(x)).add(h);
    }
}
