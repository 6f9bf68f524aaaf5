package org.videoldm.temporal;

import ai.djl.ndarray.NDArray;

/**
 * Layout changes between the networks' per-frame layout {@code (b t) ...} (frames inner) and the layouts
 * temporal layers work in: {@code b c t h w} for 3D convolutions, {@code (b s) t c} for attention along
 * time at each of the s spatial positions.
 */
public final class Frames {
    private Frames() {}

    /** Number of videos in a batch of {@code rows} frames, checking that whole videos are present. */
    public static long videos(long rows, int frames, String where) {
        if (frames < 1 || rows % frames != 0) {
            throw new IllegalArgumentException(where + ": a batch of " + rows + " frames does not hold whole videos of " + frames + " frames");
        }
        return rows / frames;
    }

    /** {@code (b t) c h w -> b c t h w}. */
    public static NDArray toVideo(NDArray x, int frames) {
        long[] s = x.getShape().getShape();
        long b = videos(s[0], frames, "video layout");
        return x.reshape(b, frames, s[1], s[2], s[3]).transpose(0, 2, 1, 3, 4);
    }

    /** {@code b c t h w -> (b t) c h w}. */
    public static NDArray toFrames(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(0, 2, 1, 3, 4).reshape(s[0] * s[2], s[1], s[3], s[4]);
    }

    /** Tokens {@code (b t) s c -> (b s) t c}: one sequence over time per spatial position. */
    public static NDArray toTimeSequences(NDArray x, int frames) {
        long[] s = x.getShape().getShape();
        long b = videos(s[0], frames, "temporal attention");
        return x.reshape(b, frames, s[1], s[2]).transpose(0, 2, 1, 3).reshape(b * s[1], frames, s[2]);
    }

    /** Tokens {@code (b s) t c -> (b t) s c}, the inverse of {@link #toTimeSequences}. */
    public static NDArray fromTimeSequences(NDArray x, long spatial) {
        long[] s = x.getShape().getShape();
        long b = s[0] / spatial;
        return x.reshape(b, spatial, s[1], s[2]).transpose(0, 2, 1, 3).reshape(b * s[1], spatial, s[2]);
    }

    /** Per-frame row values {@code [(b t)]} of a {@code b t} array, viewed so they broadcast against a rank-{@code rank} tensor. */
    public static NDArray perRow(NDArray bt, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[0] = bt.size();
        return bt.reshape(shape);
    }
}
