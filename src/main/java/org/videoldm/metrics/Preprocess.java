package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The detectors' input recipes, on uint8 RGB arrays. */
public final class Preprocess {
    private Preprocess() {}

    /** torch's bilinear interpolation (align_corners False, no antialiasing) of [N, C, H, W] to size x size. */
    public static NDArray bilinear(NDArray nchw, long height, long width) {
        Shape s = nchw.getShape();
        if (s.get(2) == height && s.get(3) == width) {
            return nchw;
        }
        return nchw.getNDArrayInternal().interpolation(new long[] {height, width}, 1, false);
    }

    /**
     * The FVD recipe: clips uint8 [N, T, H, W, 3] to float [N, 3, T, size, size] in [-1, 1]; every frame
     * resized bilinearly on the [0, 255] values, then scaled by 2 / 255 - 1 (google-research's
     * frechet_video_distance order).
     */
    public static NDArray i3dInput(NDArray clips, int size) {
        Shape s = requireUint8(clips, 5, "clips [N, T, H, W, 3]");
        long n = s.get(0);
        long t = s.get(1);
        NDArray frames = clips.toType(DataType.FLOAT32, false).reshape(n * t, s.get(2), s.get(3), 3).transpose(0, 3, 1, 2);
        frames = bilinear(frames, size, size).div(127.5f).sub(1f);
        return frames.reshape(n, t, 3, size, size).transpose(0, 2, 1, 3, 4);
    }

    /** pytorch-fid's recipe: frames uint8 [N, H, W, 3] to [0, 1], bilinear to 299 x 299, then 2x - 1: [N, 3, 299, 299]. */
    public static NDArray inceptionInput(NDArray frames, int size) {
        requireUint8(frames, 4, "frames [N, H, W, 3]");
        NDArray x = frames.toType(DataType.FLOAT32, false).div(255f).transpose(0, 3, 1, 2);
        return bilinear(x, size, size).mul(2f).sub(1f);
    }

    /**
     * Generator output in [-1, 1], frames-first [N, T, 3, H, W], to uint8 [N, T, H, W, 3] as StyleGAN-V
     * quantises samples before its detectors ({@code (x * 127.5 + 128).clamp(0, 255)}, truncated).
     */
    public static NDArray toUint8Clips(NDArray ntchw) {
        if (ntchw.getShape().dimension() != 5 || ntchw.getShape().get(2) != 3) {
            throw new IllegalArgumentException("expected generated clips [N, T, 3, H, W] in [-1, 1], got " + ntchw.getShape());
        }
        return ntchw.mul(127.5f).add(128f).clip(0f, 255f).floor().toType(DataType.UINT8, false).transpose(0, 1, 3, 4, 2);
    }

    static Shape requireUint8(NDArray x, int rank, String what) {
        Shape s = x.getShape();
        if (x.getDataType() != DataType.UINT8 || s.dimension() != rank || s.get(rank - 1) != 3) {
            throw new IllegalArgumentException("expected uint8 " + what + ", got " + x.getDataType() + " " + s);
        }
        return s;
    }
}
