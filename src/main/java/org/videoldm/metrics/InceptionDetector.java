package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.videoldm.model.detector.DetectorWeights;
import org.videoldm.model.detector.InceptionV3;

/**
 * The FID detector on our own {@link InceptionV3} (pytorch-fid's network): pool3 features (2048) per
 * frame, inputs as {@link Preprocess#inceptionInput} at 299 x 299. Logits for the image Inception Score
 * are the 1008-way fc without its bias, as the original IS code and StyleGAN's port compute them.
 */
public final class InceptionDetector implements FeatureDetector {
    public static final int RECIPE_RESOLUTION = 299;

    private final NDManager manager;
    private final InceptionV3 net;
    private final String name;
    private final boolean comparable;
    private final int resolution;

    private InceptionDetector(NDManager manager, InceptionV3 net, String name, boolean comparable, int resolution) {
        this.manager = manager;
        this.net = net;
        this.name = name;
        this.comparable = comparable;
        this.resolution = resolution;
    }

    public static InceptionDetector pretrained(Path weights) {
        NDManager m = NDManager.newBaseManager();
        try {
            InceptionV3 net = new InceptionV3(m);
            DetectorWeights.load(net, weights, "");
            return new InceptionDetector(m, net, "inception-v3-fid(" + weights.getFileName() + ")", true, RECIPE_RESOLUTION);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Seeded random weights; {@code resolution} other than 299 only for tests (at least 75). */
    public static InceptionDetector random(long seed, int resolution) {
        NDManager m = NDManager.newBaseManager();
        InceptionV3 net = new InceptionV3(m);
        DetectorWeights.randomize(net, seed);
        String n = "inception-v3-rand(seed=" + seed + (resolution == RECIPE_RESOLUTION ? "" : ",res=" + resolution) + ")";
        return new InceptionDetector(m, net, n, false, resolution);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Input input() {
        return Input.FRAMES;
    }

    @Override
    public boolean comparable() {
        return comparable;
    }

    @Override
    public int featureDim() {
        return InceptionV3.FEATURES;
    }

    @Override
    public NDArray features(NDArray frames) {
        return net.pool3(Preprocess.inceptionInput(frames, resolution));
    }

    @Override
    public NDArray logits(NDArray frames) {
        return net.logits(features(frames), false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
