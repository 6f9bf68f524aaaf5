package org.videoldm.pipeline;

import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;

/**
 * How many videos share one network call when sampling. A sampler step keeps every intermediate of the UNet until
 * the step ends, so the memory of a call grows with (videos x frames x latent pixels x model channels); the batch is
 * the largest that keeps that estimate within a quarter of the machine's free memory, at most {@link #MAX}.
 */
public final class SamplingBatch {
    /** On 2 CPU cores, batch 2 sampled 1.3x the videos per minute of batch 1 and batch 4 only 1.03x more again. */
    public static final int MAX = 4;

    /**
     * Bytes per (frame x latent pixel x model channel) kept alive during one Heun step: the toy VideoUNet's peak
     * resident memory grew by about 500 MB per extra video of 8 x 16 x 32 latents at 64 channels ({@code bench sampling}).
     */
    static final long BYTES_PER_UNIT = 2000;

    private SamplingBatch() {}

    /** The batch for {@code videos} videos of {@code frames} frames of latent shape [C, h, w]. */
    public static int choose(int videos, int frames, Shape latent, int modelChannels) {
        return choose(videos, frames, latent, modelChannels, freeMemoryBytes());
    }

    static int choose(int videos, int frames, Shape latent, int modelChannels, long freeBytes) {
        long pixels = latent.get(latent.dimension() - 1) * latent.get(latent.dimension() - 2);
        long perVideo = Math.max(1, (long) frames * pixels * modelChannels * BYTES_PER_UNIT);
        long fit = Math.max(1, freeBytes / 4 / perVideo);
        return (int) Math.min(Math.min(fit, MAX), videos);
    }

    private static long freeMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return 1L << 30;
    }
}
