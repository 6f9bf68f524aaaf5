package org.videoldm.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Ops;

/** The KL autoencoder's encoder: conv_in, down levels (block, attn, downsample), mid, norm_out, conv_out. */
public class Encoder extends Module {
    private final DDConfig c;
    private final Conv convIn;
    private final List<List<ResnetBlock>> blocks = new ArrayList<>();
    private final List<List<AttnBlock>> attns = new ArrayList<>();
    private final List<DownsamplePadded> downs = new ArrayList<>();
    private final ResnetBlock mid1;
    private final Module midAttn;
    private final ResnetBlock mid2;
    private final GroupNorm normOut;
    private final Conv convOut;

    public Encoder(NDManager m, DDConfig c) {
        super(m);
        this.c = c;
        convIn = register("conv_in", Conv.conv2d(m, c.in_channels(), c.ch(), 3));
        ModuleList down = register("down", new ModuleList(m));
        int res = c.resolution();
        int blockIn = c.ch();
        for (int level = 0; level < c.ch_mult().length; level++) {
            ModuleList lvl = down.add(level, new ModuleList(m));
            ModuleList block = lvl.add("block", new ModuleList(m));
            ModuleList attn = lvl.add("attn", new ModuleList(m));
            int blockOut = c.ch() * c.ch_mult()[level];
            List<ResnetBlock> bl = new ArrayList<>();
            List<AttnBlock> al = new ArrayList<>();
            for (int i = 0; i < c.num_res_blocks(); i++) {
                bl.add(block.add(i, new ResnetBlock(m, blockIn, blockOut)));
                blockIn = blockOut;
                if (c.attentionAt(res)) {
                    al.add(attn.add(al.size(), new AttnBlock(m, blockIn)));
                }
            }
            blocks.add(bl);
            attns.add(al);
            if (level != c.ch_mult().length - 1) {
                downs.add(lvl.add("downsample", new DownsamplePadded(m, blockIn, c.resamp_with_conv())));
                res /= 2;
            }
        }
        ModuleList mid = register("mid", new ModuleList(m));
        mid1 = mid.add("block_1", new ResnetBlock(m, blockIn, blockIn));
        midAttn = "none".equals(c.attn_type()) ? null : mid.add("attn_1", new AttnBlock(m, blockIn));
        mid2 = mid.add("block_2", new ResnetBlock(m, blockIn, blockIn));
        normOut = register("norm_out", GroupNorm.normalize(m, blockIn));
        convOut = register("conv_out", Conv.conv2d(m, blockIn, c.double_z() ? 2 * c.z_channels() : c.z_channels(), 3));
    }

    public NDArray forward(NDArray x) {
        NDArray h = convIn.forward(x);
        for (int level = 0; level < blocks.size(); level++) {
            for (int i = 0; i < blocks.get(level).size(); i++) {
                h = blocks.get(level).get(i).forward(h, 1);
                if (!attns.get(level).isEmpty()) {
                    h = attns.get(level).get(i).forward(h, 1);
                }
            }
            if (level < downs.size()) {
                h = downs.get(level).forward(h);
            }
        }
        h = mid1.forward(h, 1);
        if (midAttn != null) {
            h = ((AttnBlock) midAttn).forward(h, 1);
        }
        h = mid2.forward(h, 1);
        return convOut.forward(Ops.silu(normOut.forward(h)));
    }

    /** The autoencoder's downsampling: pad right/bottom by one, then a stride-2 3x3 conv (or 2x2 average pooling). */
    static final class DownsamplePadded extends Module {
        private final Conv conv;

        DownsamplePadded(NDManager m, int channels, boolean withConv) {
            super(m);
            conv = withConv ? register("conv", Conv.conv2d(m, channels, channels, 3, 2, 0)) : null;
        }

        NDArray forward(NDArray x) {
            if (conv == null) {
                return org.videoldm.nn.Downsample.avgPool2x(x);
            }
            return conv.forward(x.pad(new ai.djl.ndarray.types.Shape(0, 1, 0, 1), 0));
        }
    }
}
