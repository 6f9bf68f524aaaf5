package org.videoldm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The UNet's residual block with timestep embedding ({@code ResBlock} of openaimodel). 2D, or 3D with a
 * kernel such as [3, 1, 1] for the temporal stack of {@code VideoResBlock}, where the embedding is laid
 * out [b, t, c] and moved to [b, c, t] ({@code exchange_temb_dims}).
 */
public class ResBlock extends Module implements TimestepBlock {
    /** How a block changes resolution (the reference's {@code up}/{@code down} flags). */
    public enum Resample { NONE, UP, DOWN }

    private final Resample resample;
    private final boolean useScaleShiftNorm;
    private final boolean exchangeTembDims;
    private final boolean skipTEmb;
    private final int outChannels;
    private final GroupNorm inNorm;
    private final Conv inConv;
    private final Linear embLinear;
    private final GroupNorm outNorm;
    private final Conv outConv;
    private final Conv skip;

    public ResBlock(NDManager m, int channels, int embChannels, Integer outChannels, boolean useConv, boolean useScaleShiftNorm,
            Resample resample, long[] kernel, boolean exchangeTembDims, boolean skipTEmb) {
        super(m);
        this.resample = resample;
        this.useScaleShiftNorm = useScaleShiftNorm;
        this.skipTEmb = skipTEmb;
        this.exchangeTembDims = exchangeTembDims && !skipTEmb;
        this.outChannels = outChannels == null ? channels : outChannels;
        if (kernel.length != 2 && resample != Resample.NONE) {
            throw new IllegalArgumentException("ResBlock: up/down sampling is only implemented for 2D blocks");
        }
        ModuleList in = register("in_layers", new ModuleList(m));
        inNorm = in.add(0, GroupNorm.normalization(m, channels));
        inConv = in.add(2, sameConv(m, channels, this.outChannels, kernel, false));
        if (skipTEmb) {
            embLinear = null;
        } else {
            ModuleList emb = register("emb_layers", new ModuleList(m));
            embLinear = emb.add(1, new Linear(m, embChannels, useScaleShiftNorm ? 2 * this.outChannels : this.outChannels, true));
        }
        ModuleList out = register("out_layers", new ModuleList(m));
        outNorm = out.add(0, GroupNorm.normalization(m, this.outChannels));
        outConv = out.add(3, sameConv(m, this.outChannels, this.outChannels, kernel, true));
        if (this.outChannels == channels) {
            skip = null;
        } else {
            long[] k1 = new long[kernel.length];
            java.util.Arrays.fill(k1, 1);
            skip = register("skip_connection", sameConv(m, channels, this.outChannels, useConv ? kernel : k1, false));
        }
    }

    /** The plain 2D block of the UNet. */
    public ResBlock(NDManager m, int channels, int embChannels, Integer outChannels, boolean useScaleShiftNorm, Resample resample) {
        this(m, channels, embChannels, outChannels, false, useScaleShiftNorm, resample, new long[] {3, 3}, false, false);
    }

    private static Conv sameConv(NDManager m, int in, int out, long[] kernel, boolean zero) {
        long[] pad = new long[kernel.length];
        long[] stride = new long[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            pad[i] = kernel[i] / 2;
            stride[i] = 1;
        }
        return new Conv(m, in, out, kernel, stride, pad, true, zero);
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    public NDArray forward(NDArray x, Inputs in) {
        return forwardSiluEmb(x, in.embSilu());
    }

    /** x [N, C, H, W] (or [b, C, t, H, W] in 3D), emb [N, E] (or [b, t, E] in 3D). */
    public NDArray forward(NDArray x, NDArray emb) {
        return forwardSiluEmb(x, skipTEmb ? null : Ops.silu(emb));
    }

    /** {@link #forward(NDArray, NDArray)} given SiLU(emb) (shared by the blocks of one UNet forward); null when the block skips it. */
    public NDArray forwardSiluEmb(NDArray x, NDArray embSilu) {
        NDArray h = Ops.silu(inNorm.forward(x));
        if (resample != Resample.NONE) {
            h = resample(h);
            x = resample(x);
        }
        h = inConv.forward(h);
        if (skipTEmb) {
            h = outConv.forward(Ops.silu(outNorm.forward(h)));
        } else {
            NDArray e = embLinear.forward(embSilu);
            long[] es = e.getShape().getShape();
            if (es.length < h.getShape().dimension()) {
                // one view with trailing unit axes, not one expandDims per axis
                long[] to = java.util.Arrays.copyOf(es, h.getShape().dimension());
                java.util.Arrays.fill(to, es.length, to.length, 1);
                e = e.reshape(to);
            }
            if (useScaleShiftNorm) {
                var ss = e.split(2, 1);
                h = outNorm.forward(h).mul(ss.get(0).add(1f)).add(ss.get(1));
                h = outConv.forward(Ops.silu(h));
            } else {
                if (exchangeTembDims) {
                    e = e.swapAxes(1, 2);
                }
                h = outConv.forward(Ops.silu(outNorm.forward(h.add(e))));
            }
        }
        return (skip == null ? x : skip.forward(x)).add(h);
    }

    private NDArray resample(NDArray t) {
        if (resample == Resample.UP) {
            return Ops.upsampleNearest2x(t);
        }
        return Downsample.avgPool2x(t);
    }
}
