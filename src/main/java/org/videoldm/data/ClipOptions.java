package org.videoldm.data;

/**
 * How clips are cut from videos.
 *
 * @param frames frames per clip (T)
 * @param height clip height after resize and crop
 * @param width clip width after resize and crop
 * @param frameStep take every frameStep-th frame (used when targetFps is 0)
 * @param targetFps resample to this rate (by nearest frame) instead of a fixed step; 0 for off
 * @param clipSpacing source frames between the starts of consecutive clips; 0 means back to back
 * @param randomCrop training clips take a random crop (validation clips are always centred)
 * @param flip training clips are mirrored left-right with probability 1/2
 * @param validationFraction share of videos (not clips) held out for validation
 * @param seed decides the split, the clip order and every augmentation
 * @param cacheBytes decoded (already resized) videos kept in memory between clips
 */
public record ClipOptions(int frames, int height, int width, int frameStep, double targetFps, int clipSpacing,
                          boolean randomCrop, boolean flip, double validationFraction, long seed, long cacheBytes) {
    public ClipOptions {
        if (frames < 1 || height < 1 || width < 1 || frameStep < 1 || targetFps < 0 || clipSpacing < 0) {
            throw new IllegalArgumentException("invalid clip options: " + frames + " frames, " + height + "x" + width + ", step " + frameStep + ", fps " + targetFps + ", spacing " + clipSpacing);
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
    }

    /** 16 frames of 64x128 at the source rate, centred crops, 20% of videos for validation. */
    public static ClipOptions defaults() {
        return new ClipOptions(16, 64, 128, 1, 0, 0, false, false, 0.2, 0, 1L << 30);
    }

    public ClipOptions withFrames(int t) {
        return new ClipOptions(t, height, width, frameStep, targetFps, clipSpacing, randomCrop, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withSize(int h, int w) {
        return new ClipOptions(frames, h, w, frameStep, targetFps, clipSpacing, randomCrop, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withFrameStep(int step) {
        return new ClipOptions(frames, height, width, step, 0, clipSpacing, randomCrop, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withTargetFps(double fps) {
        return new ClipOptions(frames, height, width, 1, fps, clipSpacing, randomCrop, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withClipSpacing(int spacing) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, spacing, randomCrop, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withRandomCrop(boolean on) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, clipSpacing, on, flip, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withFlip(boolean on) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, clipSpacing, randomCrop, on, validationFraction, seed, cacheBytes);
    }

    public ClipOptions withValidationFraction(double f) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, clipSpacing, randomCrop, flip, f, seed, cacheBytes);
    }

    public ClipOptions withSeed(long s) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, clipSpacing, randomCrop, flip, validationFraction, s, cacheBytes);
    }

    public ClipOptions withCacheBytes(long bytes) {
        return new ClipOptions(frames, height, width, frameStep, targetFps, clipSpacing, randomCrop, flip, validationFraction, seed, bytes);
    }

    /**
     * Source frame indices of every clip in a video of {@code frameCount} frames at {@code fps}.
     * With an unknown rate (NaN) a target fps falls back to consecutive frames.
     */
    public int[][] windows(int frameCount, double fps) {
        double step = targetFps > 0 && !Double.isNaN(fps) ? fps / targetFps : frameStep;
        int[] offsets = new int[frames];
        for (int k = 0; k < frames; k++) {
            offsets[k] = (int) Math.round(k * step);
        }
        int span = offsets[frames - 1] + 1;
        int spacing = clipSpacing > 0 ? clipSpacing : span;
        int count = frameCount >= span ? (frameCount - span) / spacing + 1 : 0;
        int[][] out = new int[count][frames];
        for (int c = 0; c < count; c++) {
            for (int k = 0; k < frames; k++) {
                out[c][k] = c * spacing + offsets[k];
            }
        }
        return out;
    }
}
