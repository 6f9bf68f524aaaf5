package org.videoldm.metrics;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A detector given as a TorchScript file, run through DJL's PyTorch engine. Two calling conventions
 * are supported, those of the common metric code:
 * <ul>
 *   <li>clips: StyleGAN-V's {@code i3d_torchscript.pt}, called as
 *       {@code forward(x, rescale=False, resize=False, return_features=True)} on [N, 3, T, 224, 224] in
 *       [-1, 1] prepared by {@link Preprocess#i3dInput} (the booleans are passed by position);</li>
 *   <li>frames: StyleGAN2-ADA's {@code inception-2015-12-05.pt}, called on uint8 [N, 3, H, W] as
 *       {@code forward(x, return_features=True)} for features and
 *       {@code forward(x, return_features=False, use_fp16=False, no_output_bias=True)} for IS logits.</li>
 * </ul>
 * A module whose forward takes only the tensor is called with the tensor alone.
 */
public final class TorchScriptDetector implements FeatureDetector {
    private final ZooModel<NDList, NDList> model;
    private final PtSymbolBlock block;
    private final Input input;
    private final String name;
    private final int featureDim;
    private final int resolution;

    private TorchScriptDetector(ZooModel<NDList, NDList> model, Input input, String name, int featureDim, int resolution) {
        this.model = model;
        this.resolution = resolution;
        this.block = (PtSymbolBlock) model.getBlock();
        this.input = input;
        this.name = name;
        this.featureDim = featureDim;
    }

    public static TorchScriptDetector load(Path file, Input input, int featureDim) {
        return load(file, input, featureDim, I3DDetector.RECIPE_RESOLUTION);
    }

    /**
     * {@code resolution}: the square size clips are resized to before the call (224 for I3D; a C3D
     * classifier exported with its own normalisation may want 112). Unused for frame detectors.
     */
    public static TorchScriptDetector load(Path file, Input input, int featureDim, int resolution) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such TorchScript file");
        }
        try {
            Criteria<NDList, NDList> c = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(file).optEngine("PyTorch").build();
            String name = "torchscript(" + file.getFileName() + (input == Input.CLIPS && resolution != I3DDetector.RECIPE_RESOLUTION ? ",res=" + resolution : "") + ")";
            return new TorchScriptDetector(c.loadModel(), input, name, featureDim, resolution);
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot load as TorchScript (a PyTorch pickle state dict is not TorchScript; "
                    + "convert it to safetensors instead, see docs/metrics.md): " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Input input() {
        return input;
    }

    @Override
    public boolean comparable() {
        return true;
    }

    @Override
    public int featureDim() {
        return featureDim;
    }

    @Override
    public NDArray features(NDArray batch) {
        if (input == Input.CLIPS) {
            return call(Preprocess.i3dInput(batch, resolution), false, false, true);
        }
        return call(framesInput(batch), true);
    }

    @Override
    public NDArray logits(NDArray batch) {
        if (input == Input.CLIPS) {
            return features(batch);
        }
        return call(framesInput(batch), false, false, true);
    }

    private static NDArray framesInput(NDArray frames) {
        Preprocess.requireUint8(frames, 4, "frames [N, H, W, 3]");
        return frames.transpose(0, 3, 1, 2);
    }

    private NDArray call(NDArray x, boolean... flags) {
        PtNDManager pm = (PtNDManager) x.getManager();
        PtNDArray px = (PtNDArray) x;
        try {
            return invoke(pm, px, flags);
        } catch (RuntimeException withFlags) {
            try {
                return invoke(pm, px);
            } catch (RuntimeException plain) {
                withFlags.addSuppressed(plain);
                throw new IllegalStateException(name + ": forward failed with the tensor and flags " + java.util.Arrays.toString(flags)
                        + " and with the tensor alone: " + withFlags.getMessage(), withFlags);
            }
        }
    }

    private NDArray invoke(PtNDManager pm, PtNDArray x, boolean... flags) {
        IValue[] args = new IValue[1 + flags.length];
        args[0] = IValue.from(x);
        for (int i = 0; i < flags.length; i++) {
            args[i + 1] = IValue.from(flags[i]);
        }
        try (IValue out = block.forward(args)) {
            NDArray r = out.isTensor() ? out.toTensor(pm) : out.toNDList(pm).get(0);
            return r.toType(DataType.FLOAT32, false).reshape(r.getShape().get(0), -1);
        } finally {
            for (IValue a : args) {
                a.close();
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }

    NDManager manager() {
        return model.getNDManager();
    }
}
