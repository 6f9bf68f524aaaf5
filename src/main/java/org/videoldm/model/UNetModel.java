package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Downsample;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Identity;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Ops;
import org.videoldm.nn.ResBlock;
import org.videoldm.nn.SpatialTransformer;
import org.videoldm.nn.TimestepBlock;
import org.videoldm.nn.TimestepEmbedding;
import org.videoldm.nn.TimestepEmbedSequential;
import org.videoldm.nn.Upsample;

/**
 * The latent diffusion UNet in the Stable Diffusion 1.x layout ({@code UNetModel} of sgm's openaimodel):
 * {@code time_embed}, optional {@code label_emb}, {@code input_blocks}, {@code middle_block},
 * {@code output_blocks} with skip connections, and {@code out}. The residual and attention layers come
 * from a {@link Layers} factory, so {@link VideoUNet} builds the same skeleton with temporal layers.
 */
public class UNetModel extends Module {
    /** Makes the residual and attention layers of the skeleton. */
    public interface Layers {
        TimestepBlock resBlock(NDManager m, int channels, int embDim, Integer outChannels, ResBlock.Resample resample);

        TimestepBlock transformer(NDManager m, int channels, int heads, int dimHead, int depth, boolean disableSelfAttn);
    }

    /** The image UNet's layers: ResBlock and SpatialTransformer. */
    public static Layers imageLayers(UNetConfig c) {
        return new Layers() {
            @Override
            public TimestepBlock resBlock(NDManager m, int ch, int embDim, Integer out, ResBlock.Resample resample) {
                return new ResBlock(m, ch, embDim, out, c.use_scale_shift_norm(), resample);
            }

            @Override
            public TimestepBlock transformer(NDManager m, int ch, int heads, int dimHead, int depth, boolean disableSelfAttn) {
                int[] ctx = c.context_dims() != null ? c.context_dims() : c.context_dim() == null ? null : new int[] {c.context_dim()};
                return new SpatialTransformer(m, ch, heads, dimHead, depth, ctx, disableSelfAttn, c.use_linear_in_transformer());
            }
        };
    }

    protected final UNetConfig config;
    private final Linear timeEmbed0;
    private final Linear timeEmbed2;
    private final Module labelEmb;
    private final List<TimestepEmbedSequential> inputBlocks = new ArrayList<>();
    private final TimestepEmbedSequential middleBlock;
    private final List<TimestepEmbedSequential> outputBlocks = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv outConv;

    public UNetModel(NDManager m, UNetConfig c) {
        this(m, c, imageLayers(c));
    }

    protected UNetModel(NDManager m, UNetConfig c, Layers layers) {
        super(m);
        this.config = c;
        int mc = c.model_channels();
        int ted = c.timeEmbedDim();
        ModuleList te = register("time_embed", new ModuleList(m));
        timeEmbed0 = te.add(0, new Linear(m, mc, ted, true));
        timeEmbed2 = te.add(2, new Linear(m, ted, ted, true));
        labelEmb = c.num_classes() == null ? null : register("label_emb", labelEmbedding(m, c, ted));

        ModuleList in = register("input_blocks", new ModuleList(m));
        TimestepEmbedSequential first = in.add(0, new TimestepEmbedSequential(m));
        first.add(Conv.conv2d(m, c.in_channels(), mc, 3));
        inputBlocks.add(first);
        List<Integer> chans = new ArrayList<>();
        chans.add(mc);
        int ch = mc;
        int ds = 1;
        for (int level = 0; level < c.levels(); level++) {
            for (int nr = 0; nr < c.num_res_blocks()[level]; nr++) {
                TimestepEmbedSequential blk = in.add(inputBlocks.size(), new TimestepEmbedSequential(m));
                blk.add(layers.resBlock(m, ch, ted, c.channel_mult()[level] * mc, ResBlock.Resample.NONE));
                ch = c.channel_mult()[level] * mc;
                if (c.attentionAt(ds) && (c.num_attention_blocks() == null || nr < c.num_attention_blocks()[level])) {
                    int[] hd = c.headsFor(ch);
                    boolean dsa = c.context_dim() != null && c.disable_self_attentions() != null && c.disable_self_attentions()[level];
                    blk.add(layers.transformer(m, ch, hd[0], hd[1], c.transformer_depth()[level], dsa));
                }
                inputBlocks.add(blk);
                chans.add(ch);
            }
            if (level != c.levels() - 1) {
                TimestepEmbedSequential blk = in.add(inputBlocks.size(), new TimestepEmbedSequential(m));
                blk.add(c.resblock_updown()
                        ? layers.resBlock(m, ch, ted, ch, ResBlock.Resample.DOWN)
                        : new Downsample(m, ch, c.conv_resample(), ch));
                inputBlocks.add(blk);
                chans.add(ch);
                ds *= 2;
            }
        }

        middleBlock = register("middle_block", new TimestepEmbedSequential(m));
        middleBlock.add(layers.resBlock(m, ch, ted, ch, ResBlock.Resample.NONE));
        if (c.disable_middle_transformer()) {
            middleBlock.add(new Identity(m)); // keeps the second ResBlock at middle_block.2, as the reference
        } else {
            int[] hd = c.headsFor(ch);
            int depth = c.transformer_depth_middle() != null ? c.transformer_depth_middle() : c.transformer_depth()[c.levels() - 1];
            middleBlock.add(layers.transformer(m, ch, hd[0], hd[1], depth, c.disable_middle_self_attn()));
        }
        middleBlock.add(layers.resBlock(m, ch, ted, null, ResBlock.Resample.NONE));

        ModuleList out = register("output_blocks", new ModuleList(m));
        for (int level = c.levels() - 1; level >= 0; level--) {
            for (int i = 0; i <= c.num_res_blocks()[level]; i++) {
                int ich = chans.remove(chans.size() - 1);
                TimestepEmbedSequential blk = out.add(outputBlocks.size(), new TimestepEmbedSequential(m));
                blk.add(layers.resBlock(m, ch + ich, ted, mc * c.channel_mult()[level], ResBlock.Resample.NONE));
                ch = mc * c.channel_mult()[level];
                if (c.attentionAt(ds) && (c.num_attention_blocks() == null || i < c.num_attention_blocks()[level])) {
                    int[] hd = c.headsFor(ch);
                    boolean dsa = c.disable_self_attentions() != null && c.disable_self_attentions()[level];
                    blk.add(layers.transformer(m, ch, hd[0], hd[1], c.transformer_depth()[level], dsa));
                }
                if (level > 0 && i == c.num_res_blocks()[level]) {
                    blk.add(c.resblock_updown()
                            ? layers.resBlock(m, ch, ted, ch, ResBlock.Resample.UP)
                            : new Upsample(m, ch, c.conv_resample(), ch));
                    ds /= 2;
                }
                outputBlocks.add(blk);
            }
        }
        ModuleList o = register("out", new ModuleList(m));
        outNorm = o.add(0, GroupNorm.normalization(m, ch));
        outConv = o.add(2, Conv.conv2dZero(m, mc, c.out_channels(), 3));
    }

    private static Module labelEmbedding(NDManager m, UNetConfig c, int ted) {
        String nc = c.num_classes();
        if (nc.equals("sequential")) {
            ModuleList outer = new ModuleList(m);
            ModuleList seq = outer.add(0, new ModuleList(m));
            seq.add(0, new Linear(m, c.adm_in_channels(), ted, true));
            seq.add(2, new Linear(m, ted, ted, true));
            return outer;
        }
        if (nc.matches("\\d+")) {
            return new ClassEmbedding(m, Integer.parseInt(nc), ted);
        }
        throw new IllegalArgumentException("UNet config: num_classes '" + nc + "' is not supported (an integer or 'sequential')");
    }

    public UNetConfig config() {
        return config;
    }

    /** The image UNet: x [N, C, H, W], timesteps [N], context [N, M, D] or null, y [N, adm] / [N] labels or null. */
    public NDArray forward(NDArray x, NDArray timesteps, NDArray context, NDArray y) {
        return forward(x, timesteps, context, y, 1, null, null);
    }

    /**
     * The full call. Video networks read {@code numVideoFrames} (x holds videos x frames, frames inner),
     * {@code imageOnlyIndicator} [videos, frames] and {@code timeContext}; the image UNet ignores them.
     */
    public NDArray forward(NDArray x, NDArray timesteps, NDArray context, NDArray y, int numVideoFrames,
            NDArray imageOnlyIndicator, NDArray timeContext) {
        if ((y != null) != (labelEmb != null)) {
            throw new IllegalArgumentException("UNet: y must be given if and only if the model has num_classes (" + config.num_classes() + ")");
        }
        NDArray emb = embed(timesteps, y, x.getShape().get(0), x.getDataType());
        TimestepBlock.Inputs in = new TimestepBlock.Inputs(emb, context, timeContext, numVideoFrames, imageOnlyIndicator);
        List<NDArray> hs = new ArrayList<>();
        NDArray h = x;
        for (TimestepEmbedSequential b : inputBlocks) {
            h = b.forward(h, in);
            hs.add(h);
        }
        h = middleBlock.forward(h, in);
        for (TimestepEmbedSequential b : outputBlocks) {
            h = b.forward(Ops.cat(1, h, hs.remove(hs.size() - 1)), in);
        }
        return outConv.forward(Ops.silu(outNorm.forward(h)));
    }

    private NDArray embed(NDArray timesteps, NDArray y, long n, DataType precision) {
        if (timesteps.getShape().size() != n) {
            throw new IllegalArgumentException("UNet: timesteps has " + timesteps.getShape().size() + " entries for a batch of " + n);
        }
        // the sinusoids are computed in float32 as in the reference, then meet the network in the input's precision
        NDArray t = TimestepEmbedding.embed(timesteps.reshape(-1), config.model_channels()).toType(precision, false);
        NDArray emb = timeEmbed2.forward(Ops.silu(timeEmbed0.forward(t)));
        if (labelEmb == null) {
            return emb;
        }
        if (y.getShape().get(0) != n) {
            throw new IllegalArgumentException("UNet: y has " + y.getShape().get(0) + " rows for a batch of " + n);
        }
        if (labelEmb instanceof ClassEmbedding ce) {
            return emb.add(ce.forward(y));
        }
        ModuleList seq = (ModuleList) ((ModuleList) labelEmb).get(0);
        NDArray v = ((Linear) seq.get(0)).forward(y.toType(emb.getDataType(), false));
        return emb.add(((Linear) seq.get(1)).forward(Ops.silu(v)));
    }

    /** {@code nn.Embedding(num_classes, dim)} for class-conditional UNets. */
    static final class ClassEmbedding extends Module {
        private final NDArray weight;

        ClassEmbedding(NDManager m, int classes, int dim) {
            super(m);
            weight = param("weight", m.randomNormal(new Shape(classes, dim)));
        }

        NDArray forward(NDArray labels) {
            NDArray rows = weight.get(labels.toType(DataType.INT64, false));
            rows.attach(labels.getManager()); // freed with the caller's step, not kept with the parameter
            return rows;
        }
    }

}
