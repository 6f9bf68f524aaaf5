package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * TensorFlow's "SAME" padding as the I3D port computes it from the input size at run time: total
 * {@code max(k - s, 0)} when the size divides by the stride, else {@code max(k - size % s, 0)}, the
 * smaller half in front. Zeros are padded, also before max-pooling (the inputs there follow a ReLU).
 */
final class SamePadding {
    private SamePadding() {}

    /** x [N, C, T, H, W]. */
    static NDArray pad(NDArray x, long[] kernel, long[] stride) {
        long[] s = x.getShape().getShape();
        long[] pads = new long[6];
        boolean any = false;
        for (int d = 0; d < 3; d++) {
            long size = s[2 + d];
            long total = size % stride[d] == 0 ? Math.max(kernel[d] - stride[d], 0) : Math.max(kernel[d] - size % stride[d], 0);
            long front = total / 2;
            // DJL's pad takes (last axis front, back, previous axis front, back, ...), as torch's F.pad.
            int at = 2 * (2 - d);
            pads[at] = front;
            pads[at + 1] = total - front;
            any |= total > 0;
        }
        return any ? x.pad(new Shape(pads), 0) : x;
    }
}
