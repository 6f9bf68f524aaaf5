package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.videoldm.data.FrameResize;
import org.videoldm.data.RgbFrame;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.detector.ToyVideoNet;

/**
 * FVD-toy and FID-toy: Frechet distances in the feature space of the trained {@link ToyVideoNet} ({@code fvd_toy}),
 * pooled features of whole clips (FVD-toy) or of single frames held still for the clip's length (FID-toy). Frames
 * are brought to the network's size as the training data was (shrunk to cover, centre-cropped), values to [-1, 1].
 * The numbers say how far apart two sets of toy-domain videos are in this network's eyes; they are not FVD or FID and
 * not comparable to published values (docs/metrics.md says how they were validated).
 */
public final class ToyDetector implements FeatureDetector {
    private final NDManager manager;
    private final ToyVideoNet net;
    private final Input input;
    private final String name;
    private final int height;
    private final int width;
    private final int frames;

    private ToyDetector(NDManager manager, ToyVideoNet net, Input input, String name, int height, int width, int frames) {
        this.manager = manager;
        this.net = net;
        this.input = input;
        this.name = name;
        this.height = height;
        this.width = width;
        this.frames = frames;
    }

    /** The clip detector of FVD-toy ({@link Input#CLIPS}) or the frame detector of FID-toy ({@link Input#FRAMES}). */
    public static ToyDetector load(Path file, Input input) {
        NDManager m = NDManager.newBaseManager();
        try {
            SavedNetwork saved = SavedNetwork.load(file, m);
            ToyVideoNet net = saved.module(ToyVideoNet.class);
            net.setTrainable(k -> false);
            int[] size = saved.frameSize();
            int t = saved.frames().orElse(8);
            // the name keys the feature cache: it says which input and which weights (a retrained file has other features)
            String hash = org.videoldm.util.FileHash.sha256(file).substring(0, 12);
            String kind = input == Input.CLIPS ? "clips" : "frames";
            return new ToyDetector(m, net, input, "toy-video-net-" + kind + "(" + file.getFileName() + " sha256:" + hash + ")", size[0], size[1], t);
        } catch (RuntimeException e) {
            m.close();
            throw e;
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
        return false;
    }

    /** "FVD-toy", "FID-toy": their own names, never to be read as FVD or FID. */
    @Override
    public String metricName(String metric) {
        return metric + "-toy";
    }

    @Override
    public int featureDim() {
        return net.featureDim();
    }

    @Override
    public NDArray features(NDArray batch) {
        return net.features(prepare(batch));
    }

    /** The temporal head's logits (ordered, reversed, shuffled, slowed, frozen); there are no class labels to score IS with. */
    @Override
    public NDArray logits(NDArray batch) {
        return net.temporalLogits(features(batch));
    }

    /** uint8 clips [N, T, H, W, 3] (or frames [N, H, W, 3], held still) to [N, 3, T, h, w] in [-1, 1] at the network's size. */
    NDArray prepare(NDArray batch) {
        long[] s = batch.getShape().getShape();
        boolean still = input == Input.FRAMES;
        if (still ? s.length != 4 : s.length != 5) {
            throw new IllegalArgumentException(name + ": expected uint8 " + (still ? "frames [N, H, W, 3]" : "clips [N, T, H, W, 3]") + ", got " + batch.getShape());
        }
        int n = (int) s[0];
        int t = still ? frames : (int) s[1];
        int h = (int) s[still ? 1 : 2];
        int w = (int) s[still ? 2 : 3];
        byte[] in = batch.toType(DataType.UINT8, false).toByteArray();
        float[] out = new float[n * 3 * t * height * width];
        int plane = height * width;
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < t; f++) {
                int src = still ? i : i * t + f;
                byte[] rgb = new byte[h * w * 3];
                System.arraycopy(in, src * h * w * 3, rgb, 0, rgb.length);
                RgbFrame frame = new RgbFrame(w, h, rgb);
                if (h != height || w != width) {
                    frame = FrameResize.centerCrop(FrameResize.resizeToCover(frame, height, width), height, width);
                }
                byte[] d = frame.rgb();
                for (int c = 0; c < 3; c++) {
                    int base = ((i * 3 + c) * t + f) * plane;
                    for (int p = 0; p < plane; p++) {
                        out[base + p] = (d[3 * p + c] & 0xff) / 127.5f - 1f;
                    }
                }
            }
        }
        return batch.getManager().create(out, new Shape(n, 3, t, height, width));
    }

    @Override
    public void close() {
        manager.close();
    }
}
