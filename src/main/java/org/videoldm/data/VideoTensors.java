package org.videoldm.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Between uint8 clips and the networks' tensors: {@code [B, T, 3, H, W]} float32 in [-1, 1], and the
 * frames-inner {@code (b t) c h w} layout the networks take. Arrays go into the caller's manager.
 */
public final class VideoTensors {
    private VideoTensors() {}

    /** {@code [B, T, 3, H, W]} float32 in [-1, 1]; all clips must share T, H and W. */
    public static NDArray toTensor(NDManager manager, List<Clip> clips) {
        Clip first = clips.get(0);
        int t = first.frames();
        int h = first.height();
        int w = first.width();
        int plane = h * w;
        float[] out = new float[clips.size() * t * 3 * plane];
        int o = 0;
        for (Clip c : clips) {
            if (c.frames() != t || c.height() != h || c.width() != w) {
                throw new IllegalArgumentException("clip " + c.id() + " is " + c.frames() + "x" + c.height() + "x" + c.width() + ", the first clip " + t + "x" + h + "x" + w);
            }
            byte[] d = c.data();
            for (int f = 0; f < t; f++) {
                int base = f * plane * 3;
                for (int ch = 0; ch < 3; ch++) {
                    for (int p = 0; p < plane; p++) {
                        out[o++] = (d[base + 3 * p + ch] & 0xff) / 127.5f - 1f;
                    }
                }
            }
        }
        return manager.create(out, new Shape(clips.size(), t, 3, h, w));
    }

    /** {@code [B, T, C, H, W]} to {@code [(B T), C, H, W]}, frames inner. */
    public static NDArray framesInner(NDArray videos) {
        Shape s = videos.getShape();
        return videos.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
    }

    /** {@code [(B T), C, H, W]} back to {@code [B, T, C, H, W]}. */
    public static NDArray videosOf(NDArray frames, int t) {
        Shape s = frames.getShape();
        if (s.get(0) % t != 0) {
            throw new IllegalArgumentException(s.get(0) + " frames do not split into videos of " + t);
        }
        return frames.reshape(s.get(0) / t, t, s.get(1), s.get(2), s.get(3));
    }

    /** {@code [B, T, 3, H, W]} in [-1, 1] (values outside are clipped) to uint8 frames per video. */
    public static List<List<RgbFrame>> toFrames(NDArray videos) {
        Shape s = videos.getShape();
        if (s.dimension() != 5 || s.get(2) != 3) {
            throw new IllegalArgumentException("expected [B, T, 3, H, W], got " + s);
        }
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        int h = (int) s.get(3);
        int w = (int) s.get(4);
        float[] v = videos.toType(DataType.FLOAT32, false).toFloatArray();
        int plane = h * w;
        List<List<RgbFrame>> out = new ArrayList<>(b);
        int o = 0;
        for (int i = 0; i < b; i++) {
            List<RgbFrame> frames = new ArrayList<>(t);
            for (int f = 0; f < t; f++) {
                byte[] rgb = new byte[plane * 3];
                for (int ch = 0; ch < 3; ch++) {
                    for (int p = 0; p < plane; p++) {
                        float x = (v[o++] + 1f) * 127.5f;
                        rgb[3 * p + ch] = (byte) Math.round(Math.max(0f, Math.min(255f, x)));
                    }
                }
                frames.add(new RgbFrame(w, h, rgb));
            }
            out.add(frames);
        }
        return out;
    }

    /** {@code [(B T), 3, H, W]} in [-1, 1] to uint8 frames per video. */
    public static List<List<RgbFrame>> toFrames(NDArray frames, int t) {
        return toFrames(videosOf(frames, t));
    }
}
