package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;

/** torchvision's Inception {@code BasicConv2d}: {@code conv} without bias, {@code bn} (eps 1e-3), ReLU. */
public final class BasicConv2d extends Module {
    private final Conv conv;
    private final BatchNorm bn;

    public BasicConv2d(NDManager m, int in, int out, int kh, int kw, int stride, int ph, int pw) {
        super(m);
        conv = register("conv", new Conv(m, in, out, new long[] {kh, kw}, new long[] {stride, stride}, new long[] {ph, pw}, false, false));
        bn = register("bn", new BatchNorm(m, out, 1e-3f));
    }

    static BasicConv2d of(NDManager m, int in, int out, int k) {
        return new BasicConv2d(m, in, out, k, k, 1, k / 2, k / 2);
    }

    public NDArray forward(NDArray x) {
        return Activation.relu(bn.forward(conv.forward(x)));
    }
}
