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
import org.videoldm.nn.Upsample;

/**
 * The KL autoencoder's decoder: conv_in, mid (block_1, attn_1, block_2), up levels (block, attn,
 * upsample; {@code up.0} is the full resolution), norm_out, conv_out. Its residual blocks, attention
 * blocks and output convolution come from overridable factories, as in the reference, so the temporal
 * {@code VideoDecoder} is this decoder with temporal layers swapped in.
 */
public class Decoder extends Module {
    protected final DDConfig c;
    private final Conv convIn;
    private final ResnetBlock mid1;
    private final Module midAttn;
    private final ResnetBlock mid2;
    private final List<List<ResnetBlock>> blocks = new ArrayList<>();
    private final List<List<Module>> attns = new ArrayList<>();
    private final List<Upsample> ups = new ArrayList<>();
    private final GroupNorm normOut;
    private final Module convOut;

    /** Factories for the layers the temporal decoder replaces. */
    public interface Layers {
        ResnetBlock resBlock(NDManager m, int in, int out);

        Module attention(NDManager m, int channels);

        Module convOut(NDManager m, int in, int out);
    }

    public static Layers imageLayers() {
        return new Layers() {
            @Override
            public ResnetBlock resBlock(NDManager m, int in, int out) {
                return new ResnetBlock(m, in, out);
            }

            @Override
            public Module attention(NDManager m, int channels) {
                return new AttnBlock(m, channels);
            }

            @Override
            public Module convOut(NDManager m, int in, int out) {
                return Conv.conv2d(m, in, out, 3);
            }
        };
    }

    public Decoder(NDManager m, DDConfig c) {
        this(m, c, imageLayers());
    }

    protected Decoder(NDManager m, DDConfig c, Layers layers) {
        super(m);
        this.c = c;
        int levels = c.ch_mult().length;
        int blockIn = c.ch() * c.ch_mult()[levels - 1];
        int res = c.resolution() >> (levels - 1);
        convIn = register("conv_in", Conv.conv2d(m, c.z_channels(), blockIn, 3));
        ModuleList mid = register("mid", new ModuleList(m));
        mid1 = mid.add("block_1", layers.resBlock(m, blockIn, blockIn));
        midAttn = "none".equals(c.attn_type()) ? null : mid.add("attn_1", layers.attention(m, blockIn));
        mid2 = mid.add("block_2", layers.resBlock(m, blockIn, blockIn));

        // Built from the lowest resolution up, registered as up.0 (full resolution) .. up.{L-1}, as the reference's insert(0, ...).
        ModuleList[] levelModules = new ModuleList[levels];
        for (int level = levels - 1; level >= 0; level--) {
            ModuleList lvl = new ModuleList(m);
            ModuleList block = lvl.add("block", new ModuleList(m));
            ModuleList attn = lvl.add("attn", new ModuleList(m));
            int blockOut = c.ch() * c.ch_mult()[level];
            List<ResnetBlock> bl = new ArrayList<>();
            List<Module> al = new ArrayList<>();
            for (int i = 0; i <= c.num_res_blocks(); i++) {
                bl.add(block.add(i, layers.resBlock(m, blockIn, blockOut)));
                blockIn = blockOut;
                if (c.attentionAt(res)) {
                    al.add(attn.add(al.size(), layers.attention(m, blockIn)));
                }
            }
            blocks.add(bl);
            attns.add(al);
            if (level != 0) {
                ups.add(lvl.add("upsample", new Upsample(m, blockIn, c.resamp_with_conv(), blockIn)));
                res *= 2;
            }
            levelModules[level] = lvl;
        }
        ModuleList up = register("up", new ModuleList(m));
        for (int level = 0; level < levels; level++) {
            up.add(level, levelModules[level]);
        }
        normOut = register("norm_out", GroupNorm.normalize(m, blockIn));
        convOut = register("conv_out", layers.convOut(m, blockIn, c.out_ch()));
    }

    public DDConfig config() {
        return c;
    }

    /** z [N, z_channels, h, w] -> images [N, out_ch, H, W]; {@code timesteps} = frames per video for temporal layers. */
    public NDArray forward(NDArray z, int timesteps) {
        NDArray h = convIn.forward(z);
        h = mid1.forward(h, timesteps);
        if (midAttn != null) {
            h = attend(midAttn, h, timesteps);
        }
        h = mid2.forward(h, timesteps);
        for (int lvl = 0; lvl < blocks.size(); lvl++) {
            for (int i = 0; i < blocks.get(lvl).size(); i++) {
                h = blocks.get(lvl).get(i).forward(h, timesteps);
                if (!attns.get(lvl).isEmpty()) {
                    h = attend(attns.get(lvl).get(i), h, timesteps);
                }
            }
            if (lvl < ups.size()) {
                h = ups.get(lvl).forward(h);
            }
        }
        h = Ops.silu(normOut.forward(h));
        h = outConv(convOut, h, timesteps);
        return c.tanh_out() ? h.tanh() : h;
    }

    public NDArray forward(NDArray z) {
        return forward(z, 1);
    }

    /** Runs an attention layer made by {@link Layers#attention}; overridden by decoders with other attention types. */
    protected NDArray attend(Module attention, NDArray h, int timesteps) {
        return ((AttnBlock) attention).forward(h, timesteps);
    }

    /** Runs the output convolution made by {@link Layers#convOut}. */
    protected NDArray outConv(Module conv, NDArray h, int timesteps) {
        return ((Conv) conv).forward(h);
    }

    /** The last layer's weight (the adaptive GAN weight of the reference's loss uses its gradient). */
    public NDArray lastLayerWeight() {
        return convOut.stateDict().get("weight");
    }
}
