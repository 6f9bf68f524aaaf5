package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.Clip;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.FrameResize;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.Video;
import org.videoldm.data.VideoReader;
import org.videoldm.data.VideoTensors;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.stages.UpsamplerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code videoldm upsample VIDEO}: the paper's upsampler on a video. The frames are shrunk to the upsampler's input
 * size and upsampled back with the per-frame image upsampler and/or the temporally aligned video upsampler; the
 * frames at the output size serve as the reference for the temporal error.
 */
@Command(name = "upsample", mixinStandardHelpOptions = true,
        description = "Shrink a video to the upsampler's input size and upsample it with the image (per-frame) and/or video (temporally aligned) "
                + "upsampler; writes upsampled_image/upsampled_video .mp4 and .gif, and compare.png (reference, input, outputs) to --out.")
public final class UpsampleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "A video file or frame folder.")
    Path video;

    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Folder of trained networks (default: checkpoints/toy of the project).")
    Path checkpoints;

    @Option(names = "--model", defaultValue = "both", description = "image, video or both (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--level", description = "Noise augmentation level of the low-resolution input, 0..349 (default: the upsampler's, 20).")
    Integer level;

    @Option(names = "--frames", defaultValue = "16", description = "Frames from the start of the video (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--steps", defaultValue = "30", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler, heun, dpmpp2m, ddim or ancestral (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (the same noise for both upsamplers; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--decoder", defaultValue = "temporal", description = "temporal or image (default: ${DEFAULT-VALUE}).")
    String decoder;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path dir = checkpoints != null ? checkpoints : org.videoldm.data.DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY);
        CheckpointFolder folder = CheckpointFolder.of(dir);
        boolean image = model.equals("image") || model.equals("both");
        boolean vid = model.equals("video") || model.equals("both");
        if (!image && !vid) {
            throw new IllegalArgumentException("--model must be image, video or both, got '" + model + "'");
        }
        if (frames < 2) {
            throw new IllegalArgumentException("--frames must be at least 2, got " + frames);
        }
        VideoLDMPipeline.DecoderChoice dec = VideoLDMPipeline.DecoderChoice.parse(decoder);
        folder.require(CheckpointFolder.AUTOENCODER);
        if (image) {
            folder.require(CheckpointFolder.UPSAMPLER_IMAGE);
        }
        if (vid) {
            folder.require(CheckpointFolder.UPSAMPLER_VIDEO);
        }
        if (dec == VideoLDMPipeline.DecoderChoice.TEMPORAL) {
            folder.require(CheckpointFolder.VIDEO_DECODER);
        }
        VideoLDMPipeline.Options o = new VideoLDMPipeline.Options(sampler, steps, seed);
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline vp = VideoLDMPipeline.load(dir, m);
            List<UpsamplerPipeline> ups = new ArrayList<>();
            List<String> names = new ArrayList<>();
            if (image) {
                ups.add(UpsamplerPipeline.load(dir, m, false));
                names.add("image");
            }
            if (vid) {
                ups.add(UpsamplerPipeline.load(dir, m, true));
                names.add("video");
            }
            int[] low = ups.get(0).lowResolution();
            int[] high = {low[0] * UpsamplerTraining.UPSCALE, low[1] * UpsamplerTraining.UPSCALE};
            Video v = VideoReader.standard().read(video, f -> centreCrop(FrameResize.resizeToCover(f, high[0], high[1]), high[0], high[1]));
            if (v.size() < frames) {
                throw new IllegalArgumentException(video + ": has " + v.size() + " frames, --frames asks for " + frames);
            }
            List<RgbFrame> ref = v.frames().subList(0, frames);
            NDArray reference = VideoTensors.framesInner(VideoTensors.toTensor(m, List.of(Clip.of("reference", ref))));
            NDArray lowRes = org.videoldm.diffusion.ImageConcatWithNoiseAugmentation.resize(reference, low[0], low[1]);
            Files.createDirectories(out);
            double rate = v.fps() > 0 ? v.fps() : 5;
            List<List<RgbFrame>> rows = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            rows.add(ref);
            labels.add("reference " + high[0] + "x" + high[1]);
            rows.add(VideoTensors.toFrames(lowRes.getNDArrayInternal().interpolation(new long[] {high[0], high[1]}, 0, false), frames).get(0));
            labels.add("input " + low[0] + "x" + low[1]);
            for (int i = 0; i < ups.size(); i++) {
                UpsamplerPipeline up = ups.get(i);
                int l = level != null ? level : up.defaultNoiseLevel();
                long t0 = System.nanoTime();
                NDArray z = up.latents(m, lowRes, frames, l, o, null);
                NDArray pixels = vp.decode(z, frames, dec, vp.trainedFrames(), null).clip(-1f, 1f);
                List<RgbFrame> result = VideoTensors.toFrames(pixels, frames).get(0);
                double err = UpsamplerTraining.temporalError(pixels, reference);
                String base = "upsampled_" + names.get(i);
                Mp4Writer.write(out.resolve(base + ".mp4"), result, rate);
                GifWriter.write(out.resolve(base + ".gif"), result, rate);
                System.out.printf(Locale.ROOT, "%s upsampler: wrote %s (%d frames %dx%d, level %d) in %.1f s, temporal error %.4f%n", names.get(i),
                        out.resolve(base + ".mp4"), frames, high[0], high[1], l, (System.nanoTime() - t0) / 1e9, err);
                rows.add(result);
                labels.add(names.get(i) + " upsampler, level " + l);
            }
            FrameGrid.writePng(out.resolve("compare.png"), FrameGrid.image(rows, labels));
            System.out.println("wrote " + out.resolve("compare.png"));
            return 0;
        }
    }

    private static RgbFrame centreCrop(RgbFrame f, int height, int width) {
        return f.crop((f.width() - width) / 2, (f.height() - height) / 2, width, height);
    }
}
