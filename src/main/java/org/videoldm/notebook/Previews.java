package org.videoldm.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.eval.FrameChange;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.stages.UpsamplerTraining;

/** Videos for the notebooks to look at: real clips, and what a first stage makes of them. */
public final class Previews {
    private Previews() {}

    /** The first {@code n} clips of a source (fewer if it has fewer). */
    public static List<Clip> clips(ClipSource source, int n) {
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, source.size()); i++) {
            out.add(source.clip(i));
        }
        return out;
    }

    /** Frames of clips, one list per clip. */
    public static List<List<RgbFrame>> frames(List<Clip> clips) {
        List<List<RgbFrame>> out = new ArrayList<>();
        clips.forEach(c -> out.add(c.frameList()));
        return out;
    }

    /** Clips through the autoencoder and back: {@code [real_0, reconstructed_0, real_1, ...]} ({@code chunk} frames per decode). */
    public static List<List<RgbFrame>> reconstructions(FirstStage firstStage, List<Clip> clips, int chunk) {
        List<List<RgbFrame>> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Clip c : clips) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = VideoTensors.framesInner(VideoTensors.toTensor(scope, List.of(c)));
                    NDArray y = firstStage.decode(firstStage.encodeScaled(x), c.frames(), chunk);
                    out.add(c.frameList());
                    out.add(VideoTensors.toFrames(y.clip(-1f, 1f), c.frames()).get(0));
                }
            }
        }
        return out;
    }

    /**
     * A clip shrunk to the upsampler's input size and upsampled back.
     *
     * @param input the low-resolution frames, enlarged (nearest) to the output size for display
     * @param temporalError how far the output's frame-to-frame changes are from the reference's ({@link UpsamplerTraining#temporalError})
     */
    public record Upsampled(List<RgbFrame> input, List<RgbFrame> output, double temporalError, double frameChange) {}

    /** Upsamples one clip with {@code up} at noise augmentation {@code level}, decoding with the image decoder. */
    public static Upsampled upsample(VideoLDMPipeline decoding, UpsamplerPipeline up, Clip clip, int level, VideoLDMPipeline.Options o) {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] low = up.lowResolution();
            int t = clip.frames();
            NDArray reference = VideoTensors.framesInner(VideoTensors.toTensor(m, List.of(clip)));
            NDArray lowRes = ImageConcatWithNoiseAugmentation.resize(reference, low[0], low[1]);
            NDArray enlarged = lowRes.getNDArrayInternal().interpolation(new long[] {clip.height(), clip.width()}, 0, false);
            NDArray pixels = decoding.decode(up.latents(m, lowRes, t, level, o, null), t, VideoLDMPipeline.DecoderChoice.IMAGE, t, null).clip(-1f, 1f);
            return new Upsampled(VideoTensors.toFrames(enlarged, t).get(0), VideoTensors.toFrames(pixels, t).get(0),
                    UpsamplerTraining.temporalError(pixels, reference), FrameChange.mean(VideoTensors.videosOf(pixels, t)));
        }
    }

    /** Each video's first {@code frames} frames (all of them if shorter). */
    public static List<List<RgbFrame>> firstFrames(List<List<RgbFrame>> videos, int frames) {
        List<List<RgbFrame>> out = new ArrayList<>();
        videos.forEach(v -> out.add(v.subList(0, Math.min(frames, v.size()))));
        return out;
    }

    /** Each frame repeated {@code times} times: a low-rate video shown at a higher rate, for side-by-side comparisons. */
    public static List<RgbFrame> hold(List<RgbFrame> video, int times) {
        List<RgbFrame> out = new ArrayList<>();
        for (RgbFrame f : video) {
            for (int i = 0; i < times; i++) {
                out.add(f);
            }
        }
        return out;
    }
}
