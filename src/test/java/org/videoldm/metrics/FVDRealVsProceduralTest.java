package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.videoldm.TestPaths;
import org.videoldm.data.DrivingScene;
import org.videoldm.data.DrivingSceneRenderer;
import org.videoldm.data.FrameResize;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoReader;

/**
 * FVD-rand separates real driving footage from the procedural scenes: two sets of real clips from the
 * same drive are far closer to each other than either is to rendered scenes. To stay fast the test runs
 * the random I3D at 64 x 64 on 8-frame clips (a test-only detector size; real runs use 224 x 224 x 16).
 */
class FVDRealVsProceduralTest {
    static final int T = 8;
    static final int H = 64;
    static final int W = 112;
    static final int CLIPS = 8;

    /** CLIPS clips of T frames, back to back from the start of a video, each frame resized to H x W. */
    static NDArray realClips(NDManager m, String file) {
        Path p = TestPaths.sharedDatasetsOrSkip().resolve("driving").resolve(file);
        List<RgbFrame> frames = new ArrayList<>();
        VideoReader.pureJava().forEachFrame(p, i -> i < CLIPS * T, (i, s, f) -> frames.add(FrameResize.resize(f, W, H)));
        assertEquals(CLIPS * T, frames.size(), "frames decoded from " + file);
        return stack(m, frames, CLIPS);
    }

    static NDArray proceduralClips(NDManager m, long seed) {
        List<RgbFrame> frames = new ArrayList<>();
        for (int i = 0; i < CLIPS; i++) {
            frames.addAll(DrivingSceneRenderer.render(DrivingScene.random(seed + i), T, H, W));
        }
        return stack(m, frames, CLIPS);
    }

    static NDArray stack(NDManager m, List<RgbFrame> frames, int clips) {
        byte[] data = new byte[frames.size() * H * W * 3];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i).rgb(), 0, data, i * H * W * 3, H * W * 3);
        }
        return m.create(java.nio.ByteBuffer.wrap(data), new Shape(clips, T, H, W, 3), DataType.UINT8);
    }

    @Test
    void realDrivingIsFarCloserToRealDrivingThanToProceduralScenes() {
        try (NDManager m = NDManager.newBaseManager(); I3DDetector i3d = I3DDetector.random(0, 64)) {
            assertFalse(i3d.comparable());
            NDArray one = realClips(m, "yolop_input1.gif");
            NDArray two = realClips(m, "yolop_input2.gif");
            // Two sets from one source (the two GIFs of one drive): clips of both, alternately assigned.
            NDArray a = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(one.get("0:8:2"), two.get("1:8:2")), 0);
            NDArray b = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(one.get("1:8:2"), two.get("0:8:2")), 0);
            NDArray proc = proceduralClips(m, 100);
            double[][] fa = FeatureExtractor.features(i3d, a, 4);
            double[][] fb = FeatureExtractor.features(i3d, b, 4);
            double[][] fp = FeatureExtractor.features(i3d, proc, 4);
            MetricResult same = FVD.fromFeatures(i3d, fa, fb, T, true);
            MetricResult diffA = FVD.fromFeatures(i3d, fp, fa, T, true);
            MetricResult diffB = FVD.fromFeatures(i3d, fp, fb, T, true);
            assertEquals("FVD-rand", same.metric());
            assertEquals(0.0, FVD.fromFeatures(i3d, fa, fa, T, true).value(), 1e-4 * diffA.value());
                        // Measured: about 1.2 within the real clips against about 57 to the scenes.
            assertTrue(same.value() * 10 < diffA.value(), same.line() + " vs " + diffA.line());
            assertTrue(same.value() * 10 < diffB.value(), same.line() + " vs " + diffB.line());
        }
    }
}
