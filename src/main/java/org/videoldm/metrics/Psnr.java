package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Peak signal-to-noise ratio of frames in [-1, 1], on the 0..255 scale of 8-bit video (values outside are clipped). */
public final class Psnr {
    private Psnr() {}

    /** PSNR in dB between two arrays of the same shape; infinite when they are equal. */
    public static double of(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException("PSNR: shapes differ, " + a.getShape() + " and " + b.getShape());
        }
        NDArray d = a.toType(DataType.FLOAT64, false).clip(-1, 1).sub(b.toType(DataType.FLOAT64, false).clip(-1, 1));
        double mse255 = d.square().mean().getDouble() * 127.5 * 127.5;
        return mse255 == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse255);
    }

    /** Bicubic upsampling of frames [N, C, h, w] to [N, C, height, width] (torch's bicubic, align_corners false), clipped to [-1, 1]. */
    public static NDArray bicubic(NDArray frames, long height, long width) {
        return frames.getNDArrayInternal().interpolation(new long[] {height, width}, 3, false).clip(-1f, 1f);
    }
}
