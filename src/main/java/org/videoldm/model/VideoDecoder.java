package org.videoldm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.autoencoder.AttnBlock;
import org.videoldm.model.autoencoder.Decoder;
import org.videoldm.model.autoencoder.ResnetBlock;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;
import org.videoldm.temporal.AE3DConv;
import org.videoldm.temporal.AEVideoResBlock;
import org.videoldm.temporal.Frames;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.temporal.VideoBlock;

/**
 * The temporal VAE decoder of Video LDM / Stable Video Diffusion ({@code VideoDecoder} of sgm's
 * temporal_ae): the KL decoder with a 3D residual {@code time_stack} in every resnet block and a 3D
 * {@code time_mix_conv} after {@code conv_out} ({@code conv-only}), temporal transformer blocks in the
 * attention blocks ({@code attn-only}), or both ({@code all}). Frames come as {@code (b t) c h w}.
 */
public class VideoDecoder extends Decoder {
    /** Where released checkpoints (SVD) keep the temporal decoder. */
    public static final String CHECKPOINT_PREFIX = "first_stage_model.decoder.";

    private final VideoDecoderConfig videoConfig;

    public VideoDecoder(NDManager m, VideoDecoderConfig c) {
        super(m, c.ddconfig(), layers(c));
        this.videoConfig = c;
    }

    private static Layers layers(VideoDecoderConfig c) {
        VideoDecoderConfig.TimeMode mode = c.timeMode();
        return new Layers() {
            @Override
            public ResnetBlock resBlock(NDManager m, int in, int out) {
                return mode.temporalResBlocks() ? new AEVideoResBlock(m, in, out, c.video_kernel_size(), c.alpha(), c.strategy()) : new ResnetBlock(m, in, out);
            }

            @Override
            public Module attention(NDManager m, int channels) {
                return mode.temporalAttention() ? new VideoBlock(m, channels, c.alpha(), c.strategy()) : new AttnBlock(m, channels);
            }

            @Override
            public Module convOut(NDManager m, int in, int out) {
                return mode.temporalResBlocks() ? new AE3DConv(m, in, out, c.video_kernel_size()) : Conv.conv2d(m, in, out, 3);
            }
        };
    }

    public VideoDecoderConfig videoConfig() {
        return videoConfig;
    }

    @Override
    protected NDArray outConv(Module conv, NDArray h, int timesteps) {
        return conv instanceof AE3DConv c ? c.forward(h, timesteps) : super.outConv(conv, h, timesteps);
    }

    /** {@code time_mix_conv}'s weight in conv modes (as the reference's get_last_layer), else conv_out's. */
    @Override
    public NDArray lastLayerWeight() {
        Map<String, NDArray> sd = stateDict();
        NDArray w = sd.get("conv_out.time_mix_conv.weight");
        return w != null ? w : sd.get("conv_out.weight");
    }

    /**
     * Decodes {@code videos x frames} latents {@code z [(b t), C, h, w]} a chunk of frames at a time, as SVD's
     * {@code decode_first_stage} with {@code decoding_t}: each video is cut into consecutive chunks of
     * {@code chunkFrames} frames (the last may be shorter) and every chunk is decoded as a video of its own,
     * so temporal layers do not see across chunk borders. With {@code chunkFrames >= frames} this is
     * {@code forward(z, frames)}. Each chunk's intermediates are freed before the next; the result lives in
     * {@code z}'s manager.
     */
    public NDArray decode(NDArray z, int frames, int chunkFrames) {
        return decode(z, frames, chunkFrames, done -> { });
    }

    /** {@link #decode(NDArray, int, int)}, reporting the number of frames decoded so far after each chunk. */
    public NDArray decode(NDArray z, int frames, int chunkFrames, java.util.function.IntConsumer progress) {
        if (chunkFrames < 1) {
            throw new IllegalArgumentException("VideoDecoder: decode chunk must be at least 1 frame, got " + chunkFrames);
        }
        long videos = Frames.videos(z.getShape().get(0), frames, "VideoDecoder.decode");
        NDManager outer = z.getManager();
        NDList parts = new NDList();
        for (long v = 0; v < videos; v++) {
            for (int start = 0; start < frames; start += chunkFrames) {
                int len = Math.min(chunkFrames, frames - start);
                long row = v * frames + start;
                try (NDManager scope = outer.newSubManager()) {
                    NDArray chunk = z.get(new NDIndex("{}:{}", row, row + len));
                    chunk.attach(scope);
                    NDArray out = forward(chunk, len);
                    out.attach(outer);
                    parts.add(out);
                }
                progress.accept((int) (row + len));
            }
        }
        return parts.size() == 1 ? parts.head() : Ops.cat(0, parts.toArray(new NDArray[0]));
    }

    /**
     * The paper's starting point for decoder fine-tuning: a video decoder whose image layers are copied from
     * a trained image {@link Decoder} and whose temporal layers are freshly initialised as the reference
     * initialises them (3D residual branches zero, so each resnet block starts as its image block;
     * {@code mix_factor} = alpha; {@code time_mix_conv} and the temporal attention with torch defaults).
     */
    public static VideoDecoder fromImage(NDManager m, Decoder image, VideoDecoderConfig c) {
        VideoDecoder video = new VideoDecoder(m, c);
        TemporalParameters.copySpatial(image, video);
        return video;
    }

    /**
     * Sets {@code conv_out.time_mix_conv} to the identity (a centred delta kernel, zero bias). Not the
     * reference's initialisation (torch's default, which changes the output at once: measured relative L2
     * difference ~1 on a toy decoder); with it a decoder fresh from {@link #fromImage} in {@code conv-only}
     * mode decodes exactly as the image decoder, a gentler start for fine-tuning. No-op in attn-only mode.
     */
    public void identityTimeMixing() {
        Map<String, NDArray> sd = stateDict();
        NDArray w = sd.get("conv_out.time_mix_conv.weight");
        if (w == null) {
            return;
        }
        long[] s = w.getShape().getShape();
        float[] delta = new float[(int) w.size()];
        for (int c = 0; c < s[0]; c++) {
            delta[(int) ((((c * s[1] + c) * s[2] + s[2] / 2) * s[3] + s[3] / 2) * s[4] + s[4] / 2)] = 1f;
        }
        try (NDManager scratch = manager.newSubManager()) {
            StateDict.assign(w, scratch.create(delta, w.getShape()));
            StateDict.assign(sd.get("conv_out.time_mix_conv.bias"), scratch.zeros(new ai.djl.ndarray.types.Shape(s[0])));
        }
    }

    /** Loads SVD's temporal decoder from a full checkpoint, with the config inferred from the tensor shapes. */
    public static VideoDecoder fromCheckpoint(NDManager m, java.nio.file.Path file) {
        return fromCheckpoint(m, file, CHECKPOINT_PREFIX, null);
    }

    /** Loads strictly from the tensors under {@code prefix}; with a null config it is inferred from their shapes. */
    public static VideoDecoder fromCheckpoint(NDManager m, java.nio.file.Path file, String prefix, VideoDecoderConfig config) {
        try (org.videoldm.io.SafetensorsFile f = org.videoldm.io.SafetensorsFile.open(file)) {
            VideoDecoderConfig c = config;
            if (c == null) {
                ShapeInference.Inferred inf = ShapeInference.decoder(ShapeInference.shapes(f, prefix));
                if (!inf.module().equals("VideoDecoder")) {
                    throw new IllegalArgumentException(file + ": the decoder under '" + prefix + "' has no temporal layers");
                }
                c = VideoDecoderConfig.fromJson(inf.kwargs());
            }
            VideoDecoder d = new VideoDecoder(m, c);
            StateDict.load(d, f, prefix);
            return d;
        }
    }

    /** Loads the weights of an image decoder from a checkpoint (strictly, under {@code prefix}) and converts it. */
    public static VideoDecoder fromImageCheckpoint(NDManager m, java.nio.file.Path file, String prefix, VideoDecoderConfig c) {
        try (NDManager scratch = m.newSubManager()) {
            Decoder image = new Decoder(scratch, c.ddconfig());
            StateDict.load(image, file, prefix);
            return fromImage(m, image, c);
        }
    }
}
