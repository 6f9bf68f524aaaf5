package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.model.VideoDecoder;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code videoldm decode CHECKPOINT LATENTS}: latents to frames with the temporal decoder, a chunk of frames
 * at a time so long videos fit in memory (as SVD's {@code decoding_t}).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode video latents [(videos x frames), C, h, w] with a temporal VideoDecoder, --decode-chunk frames at a time. "
                + "Each chunk is decoded as a video of its own (as SVD's decoding_t), so temporal layers do not see across chunks.")
public final class DecodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "safetensors holding the decoder (e.g. an SVD checkpoint).")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "LATENTS", description = "safetensors with the latents (tensor --key).")
    Path latents;

    @Option(names = "--key", defaultValue = "latents", description = "Tensor name in LATENTS (default ${DEFAULT-VALUE}).")
    String key;

    @Option(names = "--frames", required = true, description = "Frames per video.")
    int frames;

    @Option(names = "--decode-chunk", defaultValue = "14", description = "Frames decoded together (default ${DEFAULT-VALUE}, SVD's decoding_t).")
    int chunk;

    @Option(names = "--prefix", defaultValue = VideoDecoder.CHECKPOINT_PREFIX, description = "Key prefix of the decoder (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--scale-factor", defaultValue = "0.18215", description = "Latents are divided by it first (default ${DEFAULT-VALUE}; 1 for unscaled).")
    float scaleFactor;

    @Option(names = {"-o", "--out"}, required = true, description = "Output safetensors; tensor 'frames' [(videos x frames), 3, H, W] in [-1, 1].")
    Path out;

    @Override
    public Integer call() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VideoDecoder decoder = VideoDecoder.fromCheckpoint(manager, checkpoint, prefix, null);
            NDArray z;
            try (SafetensorsFile f = SafetensorsFile.open(latents)) {
                if (!f.contains(key)) {
                    throw new IllegalArgumentException(latents + ": no tensor '" + key + "' (has " + f.keys() + ")");
                }
                z = f.get(key, manager).duplicate();
            }
            if (z.getShape().dimension() != 4) {
                throw new IllegalArgumentException(latents + ": '" + key + "' must be [(videos x frames), C, h, w], got " + z.getShape());
            }
            z = Ops.scale(z, 1f / scaleFactor);
            long total = z.getShape().get(0);
            NDArray frames;
            try (Progress bar = Progress.start("decode frames", total)) {
                frames = decoder.decode(z, this.frames, chunk, bar::stepTo);
            }
            SafetensorsWriter.write(out, Map.of("frames", frames), Map.of("frames_per_video", Integer.toString(this.frames)));
            System.out.println("wrote " + out + ": frames " + frames.getShape());
            return 0;
        }
    }
}
