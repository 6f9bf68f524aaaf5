package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.videoldm.model.detector.DetectorWeights;
import org.videoldm.model.detector.InceptionI3d;

/**
 * The FVD detector on our own {@link InceptionI3d}: Kinetics-400 weights from a safetensors state dict
 * (the PyTorch I3D port's key names), or fixed-seed random weights ("i3d-rand"). Features are the 400
 * logits, as the FVD recipe uses them; inputs follow {@link Preprocess#i3dInput}.
 */
public final class I3DDetector implements FeatureDetector {
    public static final int RECIPE_RESOLUTION = 224;

    private final NDManager manager;
    private final InceptionI3d net;
    private final String name;
    private final boolean comparable;
    private final int resolution;

    private I3DDetector(NDManager manager, InceptionI3d net, String name, boolean comparable, int resolution) {
        this.manager = manager;
        this.net = net;
        this.name = name;
        this.comparable = comparable;
        this.resolution = resolution;
    }

    /** Kinetics-400 weights; {@code bnEps} 1e-3 for the TensorFlow-faithful port, 1e-5 to reproduce VideoGPT's copy. */
    public static I3DDetector pretrained(Path weights, float bnEps) {
        NDManager m = NDManager.newBaseManager();
        try {
            InceptionI3d net = new InceptionI3d(m, 400, bnEps);
            DetectorWeights.load(net, weights, "");
            return new I3DDetector(m, net, "i3d-kinetics400(" + weights.getFileName() + ")", true, RECIPE_RESOLUTION);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * The same architecture with seeded random weights. {@code resolution} is the recipe's 224 for every
     * real run; tests may pass a smaller one to stay fast (the name then says so).
     */
    public static I3DDetector random(long seed, int resolution) {
        NDManager m = NDManager.newBaseManager();
        InceptionI3d net = new InceptionI3d(m, 400, InceptionI3d.TF_BN_EPS);
        DetectorWeights.randomize(net, seed);
        String n = "i3d-rand(seed=" + seed + (resolution == RECIPE_RESOLUTION ? "" : ",res=" + resolution) + ")";
        return new I3DDetector(m, net, n, false, resolution);
    }

    public InceptionI3d network() {
        return net;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Input input() {
        return Input.CLIPS;
    }

    @Override
    public boolean comparable() {
        return comparable;
    }

    @Override
    public int featureDim() {
        return net.numClasses();
    }

    @Override
    public NDArray features(NDArray clips) {
        return net.forward(Preprocess.i3dInput(clips, resolution));
    }

    @Override
    public NDArray logits(NDArray clips) {
        return features(clips);
    }

    @Override
    public void close() {
        manager.close();
    }
}
