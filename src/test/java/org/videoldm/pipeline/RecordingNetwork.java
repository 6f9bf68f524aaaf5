package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.nn.Module;

/** Passes every call on to a network and keeps a copy of the conditioning it was given. */
final class RecordingNetwork implements DiffusionNetwork {
    /** One call: the concat and vector conditioning (copies, or null), the frame count and the batch size. */
    record Call(NDArray concat, NDArray vector, int frames, long rows) {}

    private final DiffusionNetwork inner;
    private final NDManager keep;
    final List<Call> calls = new ArrayList<>();

    RecordingNetwork(DiffusionNetwork inner, NDManager keep) {
        this.inner = inner;
        this.keep = keep;
    }

    @Override
    public NDArray apply(NDArray x, NDArray cNoise, Conditioning cond) {
        calls.add(new Call(copy(cond.concat()), copy(cond.vector()), cond.numVideoFrames(), x.getShape().get(0)));
        return inner.apply(x, cNoise, cond);
    }

    private NDArray copy(NDArray a) {
        if (a == null) {
            return null;
        }
        NDArray c = a.duplicate();
        c.attach(keep);
        return c;
    }

    @Override
    public Module module() {
        return inner.module();
    }
}
