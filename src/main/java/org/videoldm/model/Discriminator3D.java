package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.io.Kwargs;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;
import org.videoldm.temporal.Frames;

/**
 * A PatchGAN discriminator over video clips for fine-tuning the temporal decoder: the reference's
 * {@code NLayerDiscriminator} (pix2pix) with 3D convolutions over {@code b c t h w}. Layers are numbered as
 * in its {@code main} Sequential: conv (stride 2) + LeakyReLU(0.2); {@code n_layers - 1} x [conv (stride 2),
 * norm, LeakyReLU]; conv (stride 1), norm, LeakyReLU; conv (stride 1) to one logit per space-time patch.
 *
 * <p>Choices that differ from the 2D reference, and why:
 * <ul>
 *   <li>Kernels are {@code temporal_kernel x 4 x 4} (default 3) with temporal padding k/2: clips are short
 *       (8-16 frames), and a 4-frame kernel with padding 1 shrinks time by one per stride-1 layer, leaving
 *       no frames for 8-frame clips. Strided layers halve time as well as space (rounding up).
 *   <li>GroupNorm (32 groups, or fewer for narrow layers) instead of BatchNorm: the result does not depend on
 *       the batch (clips per step are few) and there are no running statistics to keep ({@code norm = "none"}
 *       drops normalisation).
 *   <li>Initialisation as the reference's {@code weights_init}: conv weights N(0, 0.02), norm weights N(1, 0.02),
 *       norm biases 0.
 * </ul>
 */
public class Discriminator3D extends Module {
    /** Constructor arguments (reference names where they exist: input_nc, ndf, n_layers). */
    public record Config(int input_nc, int ndf, int n_layers, int temporal_kernel, String norm) {
        public Config {
            if (n_layers < 1) {
                throw new IllegalArgumentException("Discriminator3D: n_layers must be at least 1, got " + n_layers);
            }
            if (temporal_kernel < 1 || temporal_kernel % 2 == 0) {
                throw new IllegalArgumentException("Discriminator3D: temporal_kernel must be odd, got " + temporal_kernel);
            }
            if (!norm.equals("group") && !norm.equals("none")) {
                throw new IllegalArgumentException("Discriminator3D: norm must be 'group' or 'none', got '" + norm + "'");
            }
        }

        /** The reference's defaults for RGB: 64 base channels, 3 layers. */
        public static Config defaults() {
            return new Config(3, 64, 3, 3, "group");
        }

        public static Config fromJson(JsonObject json) {
            Kwargs k = new Kwargs(json, "Discriminator3D config");
            return new Config(k.getInt("input_nc", 3), k.getInt("ndf", 64), k.getInt("n_layers", 3), k.getInt("temporal_kernel", 3),
                    k.getString("norm", "group"));
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("input_nc", input_nc);
            o.addProperty("ndf", ndf);
            o.addProperty("n_layers", n_layers);
            o.addProperty("temporal_kernel", temporal_kernel);
            o.addProperty("norm", norm);
            return o;
        }
    }

    private final Config config;
    private final List<Module> layers = new ArrayList<>();

    public Discriminator3D(NDManager m, Config c) {
        super(m);
        this.config = c;
        boolean norm = c.norm().equals("group");
        ModuleList main = register("main", new ModuleList(m));
        int index = 0;
        layers.add(main.add(index, conv(m, c, c.input_nc(), c.ndf(), 2, true)));
        index += 2;
        int mult = 1;
        for (int n = 1; n <= c.n_layers(); n++) {
            int prev = mult;
            mult = Math.min(1 << n, 8);
            int stride = n < c.n_layers() ? 2 : 1;
            layers.add(main.add(index++, conv(m, c, c.ndf() * prev, c.ndf() * mult, stride, !norm)));
            if (norm) {
                layers.add(main.add(index++, groupNorm(m, c.ndf() * mult)));
            }
            index++;
        }
        layers.add(main.add(index, conv(m, c, c.ndf() * mult, 1, 1, true)));
        initialise(m);
    }

    private static Conv conv(NDManager m, Config c, int in, int out, int stride, boolean bias) {
        long kt = c.temporal_kernel();
        return new Conv(m, in, out, new long[] {kt, 4, 4}, new long[] {stride, stride, stride}, new long[] {kt / 2, 1, 1}, bias, false);
    }

    private static GroupNorm groupNorm(NDManager m, int channels) {
        int groups = 32;
        while (channels % groups != 0) {
            groups /= 2;
        }
        return new GroupNorm(m, groups, channels, 1e-5f);
    }

    /** The reference's weights_init: conv N(0, 0.02); norm weight N(1, 0.02), bias 0. */
    private void initialise(NDManager m) {
        for (Module layer : layers) {
            float mean = layer instanceof GroupNorm ? 1f : 0f;
            layer.stateDict().forEach((k, a) -> StateDict.assign(a,
                    k.equals("weight") ? m.randomNormal(mean, 0.02f, a.getShape(), a.getDataType()) : m.zeros(a.getShape())));
        }
    }

    public Config config() {
        return config;
    }

    /** clips [b, c, t, h, w] in [-1, 1] -> patch logits [b, 1, t', h', w']. */
    public NDArray forward(NDArray clips) {
        if (clips.getShape().dimension() != 5 || clips.getShape().get(1) != config.input_nc()) {
            throw new IllegalArgumentException("Discriminator3D: expected clips [b, " + config.input_nc() + ", t, h, w], got " + clips.getShape());
        }
        NDArray h = clips;
        for (int i = 0; i < layers.size(); i++) {
            Module l = layers.get(i);
            h = l instanceof Conv conv ? conv.forward(h) : ((GroupNorm) l).forward(h);
            boolean last = i == layers.size() - 1;
            boolean nextIsNorm = !last && layers.get(i + 1) instanceof GroupNorm;
            if (!last && !nextIsNorm) {
                h = Activation.leakyRelu(h, 0.2f);
            }
        }
        return h;
    }

    /** Frames {@code (b t) c h w} with {@code frames} per clip, as the decoder outputs them. */
    public NDArray forwardFrames(NDArray frames, int framesPerClip) {
        return forward(Frames.toVideo(frames, framesPerClip));
    }

    /** Output shape for clips of the given size (for planning patch counts). */
    public Shape logitsShape(long b, long t, long h, long w) {
        try (NDManager scratch = manager.newSubManager()) {
            return forward(scratch.zeros(new Shape(b, config.input_nc(), t, h, w))).getShape();
        }
    }
}
