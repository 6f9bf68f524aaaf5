package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.io.StateDict;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;

/**
 * The LPIPS perceptual distance (the reference's {@code LPIPS}, VGG16 variant) under its state-dict keys:
 * {@code scaling_layer.shift/scale}, {@code net.slice1..5.N} (VGG16 {@code features} convolutions at their
 * torchvision indices) and {@code lin0..4.model.1} (1x1 weights per feature level). The distance is the sum
 * over levels of the spatially averaged, channel-weighted squared difference of unit-normalised features.
 *
 * <p>Its weights (ImageNet VGG16 plus the LPIPS linear layers) cannot be downloaded here; a user who has them
 * converts them once to safetensors with these keys and passes the file. Without it the perceptual term is
 * simply off ({@link #loadOrExplain}).
 */
public class Lpips extends Module {
    /** Channels per VGG16 level and, per level, the torchvision feature indices of its convolutions (slices start after pooling). */
    private static final int[] CHANNELS = {64, 128, 256, 512, 512};
    private static final int[][] CONVS = {{0, 2}, {5, 7}, {10, 12, 14}, {17, 19, 21}, {24, 26, 28}};

    /** Why the perceptual term is off when no weights are given. */
    public static final String NO_WEIGHTS = "LPIPS perceptual loss is off: no weights given. The VGG16/LPIPS weights cannot be "
            + "downloaded here; to use it, save the reference LPIPS module's state_dict (net.slice*, lin*, scaling_layer) as safetensors "
            + "and pass that file.";

    private final NDArray shift;
    private final NDArray scale;
    private final List<List<Conv>> slices = new ArrayList<>();
    private final List<Conv> lins = new ArrayList<>();

    public Lpips(NDManager m) {
        super(m);
        ScalingLayer scaling = register("scaling_layer", new ScalingLayer(m));
        shift = scaling.shift;
        scale = scaling.scale;
        ModuleList net = register("net", new ModuleList(m));
        int in = 3;
        for (int level = 0; level < CONVS.length; level++) {
            ModuleList slice = net.add("slice" + (level + 1), new ModuleList(m));
            List<Conv> convs = new ArrayList<>();
            for (int idx : CONVS[level]) {
                convs.add(slice.add(idx, Conv.conv2d(m, in, CHANNELS[level], 3)));
                in = CHANNELS[level];
            }
            slices.add(convs);
        }
        for (int level = 0; level < CHANNELS.length; level++) {
            ModuleList lin = register("lin" + level, new ModuleList(m));
            ModuleList model = lin.add("model", new ModuleList(m));
            lins.add(model.add(1, new Conv(m, CHANNELS[level], 1, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0}, false, false)));
        }
        setTrainable(k -> false);
    }

    /** The input normalisation constants of the reference ({@code ScalingLayer}), saved as buffers. */
    private static final class ScalingLayer extends Module {
        final NDArray shift;
        final NDArray scale;

        ScalingLayer(NDManager m) {
            super(m);
            shift = buffer("shift", m.create(new float[] {-0.030f, -0.088f, -0.188f}, new Shape(1, 3, 1, 1)).duplicate());
            scale = buffer("scale", m.create(new float[] {0.458f, 0.448f, 0.450f}, new Shape(1, 3, 1, 1)).duplicate());
        }
    }

    /** Loads weights strictly from a safetensors file (keys as the reference's LPIPS state_dict, optional prefix). */
    public static Lpips load(NDManager m, Path file, String prefix) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": LPIPS weights not found. " + NO_WEIGHTS);
        }
        Lpips l = new Lpips(m);
        StateDict.load(l, file, prefix);
        return l;
    }

    /** The loaded model, or null with {@link #NO_WEIGHTS} printed to {@code log} when no file is given. */
    public static Lpips loadOrExplain(NDManager m, Path fileOrNull, java.io.PrintStream log) {
        if (fileOrNull == null) {
            log.println(NO_WEIGHTS);
            return null;
        }
        return load(m, fileOrNull, "");
    }

    /** Perceptual distance per image: x, y [N, 3, H, W] in [-1, 1] -> [N, 1, 1, 1]. */
    public NDArray forward(NDArray x, NDArray y) {
        List<NDArray> fx = features(x.sub(shift).div(scale));
        List<NDArray> fy = features(y.sub(shift).div(scale));
        NDArray total = null;
        for (int level = 0; level < fx.size(); level++) {
            NDArray v = layerDistance(fx.get(level), fy.get(level), lins.get(level)::forward);
            total = total == null ? v : total.add(v);
        }
        return total;
    }

    /**
     * One layer's term: channel vectors normalised to unit length at every pixel, squared differences, weighted by the
     * layer's linear head ({@code lin}, a 1x1 convolution to one channel), averaged over space: [N, 1, 1, 1].
     */
    public static NDArray layerDistance(NDArray fx, NDArray fy, java.util.function.UnaryOperator<NDArray> lin) {
        NDArray d = unit(fx).sub(unit(fy)).square();
        return lin.apply(d).mean(new int[] {3}, true).mean(new int[] {2}, true);
    }

    private List<NDArray> features(NDArray h) {
        List<NDArray> out = new ArrayList<>();
        for (int level = 0; level < slices.size(); level++) {
            if (level > 0) {
                h = h.getNDArrayInternal().maxPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
            for (Conv c : slices.get(level)) {
                h = Activation.relu(c.forward(h));
            }
            out.add(h);
        }
        return out;
    }

    /** x / (||x||_channels + 1e-10), the reference's normalize_tensor. */
    private static NDArray unit(NDArray f) {
        NDArray norm = f.square().sum(new int[] {1}, true).sqrt();
        return f.div(norm.add(1e-10f));
    }
}
