package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.IntConsumer;
import org.videoldm.data.LatentEncoder;
import org.videoldm.model.VideoDecoder;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Ops;
import org.videoldm.temporal.Frames;

/**
 * The autoencoder as the diffusion models see it (sgm's {@code encode_first_stage} / {@code decode_first_stage}):
 * frames in [-1, 1] to the posterior's mode times the scale factor, and back. With a temporal decoder, videos are
 * decoded a chunk of frames at a time, each chunk as a video of its own; the image decoder decodes frame by frame
 * (in chunks only to bound memory). Implements the data package's {@link LatentEncoder} for the latent cache.
 */
public final class FirstStage implements LatentEncoder {
    private final AutoencoderKL autoencoder;
    private final float scaleFactor;
    private final String description;

    public FirstStage(AutoencoderKL autoencoder, double scaleFactor, String description) {
        if (!(scaleFactor > 0) || !Double.isFinite(scaleFactor)) {
            throw new IllegalArgumentException("first stage: the scale factor must be positive, got " + scaleFactor);
        }
        this.autoencoder = autoencoder;
        this.scaleFactor = (float) scaleFactor;
        this.description = description;
    }

    public AutoencoderKL autoencoder() {
        return autoencoder;
    }

    /** Whether decoding uses a temporal {@link VideoDecoder}. */
    public boolean temporal() {
        return autoencoder.decoder() instanceof VideoDecoder;
    }

    /** Frames [N, 3, H, W] in [-1, 1] to unscaled latents (the posterior's mode), as the latent cache stores them. */
    @Override
    public NDArray encode(NDArray frames) {
        return autoencoder.encode(frames).mode();
    }

    /** Frames to latents times the scale factor: what diffusion models are trained on. */
    public NDArray encodeScaled(NDArray frames) {
        return Ops.scale(encode(frames), scaleFactor);
    }

    @Override
    public float scaleFactor() {
        return scaleFactor;
    }

    @Override
    public String describe() {
        return description;
    }

    /** {@link #decode(NDArray, int, int, IntConsumer)} without progress. */
    public NDArray decode(NDArray scaledLatents, int frames, int chunk) {
        return decode(scaledLatents, frames, chunk, done -> { });
    }

    /**
     * Scaled latents {@code [(b t), C, h, w]} of videos with {@code frames} frames to pixels {@code [(b t), 3, H, W]} in
     * (about) [-1, 1], in the latents' manager. A temporal decoder sees {@code chunk} consecutive frames of one video
     * at a time; the image decoder decodes each frame alone whatever the chunk.
     *
     * @param progress told the number of frames decoded so far
     */
    public NDArray decode(NDArray scaledLatents, int frames, int chunk, IntConsumer progress) {
        if (chunk < 1) {
            throw new IllegalArgumentException("decode: chunk must be at least 1 frame, got " + chunk);
        }
        long videos = Frames.videos(scaledLatents.getShape().get(0), frames, "decode");
        NDManager outer = scaledLatents.getManager();
        NDList parts = new NDList();
        boolean temporal = temporal();
        for (long v = 0; v < videos; v++) {
            for (int start = 0; start < frames; start += chunk) {
                int len = Math.min(chunk, frames - start);
                long row = v * frames + start;
                try (NDManager scope = outer.newSubManager()) {
                    NDArray z = scaledLatents.get(new NDIndex("{}:{}", row, row + len));
                    z.attach(scope);
                    NDArray out = autoencoder.decode(Ops.scale(z, 1f / scaleFactor), temporal ? len : 1);
                    out.attach(outer);
                    parts.add(out);
                }
                progress.accept((int) (row + len));
            }
        }
        return parts.size() == 1 ? parts.head() : Ops.cat(0, parts.toArray(new NDArray[0]));
    }
}
