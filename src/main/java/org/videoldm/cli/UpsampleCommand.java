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
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.metrics.Psnr;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.stages.UpsamplerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code videoldm upsample VIDEO}: the paper's upsampler on a video, per frame (image upsampler) and/or temporally
 * aligned (video upsampler). By default the given video is the input and comes out {@code upscale} times larger; with
 * {@code --compare} the video is the reference instead: it is shrunk to the input size, upsampled back, and every
 * output (and bicubic upsampling of the same input) is scored by PSNR against it.
 */
@Command(name = "upsample", mixinStandardHelpOptions = true,
        description = {"Upsample a video with the image (per-frame) and/or video (temporally aligned) upsampler.",
            "Default: the video is the input (cropped to the sides the network takes) and comes out upscale times larger. "
                    + "--compare: the video is the reference; it is shrunk to the input size, upsampled back and every output is scored by PSNR "
                    + "against it, beside bicubic upsampling.",
            "Writes input.mp4 (and reference.mp4 with --compare), upsampled_image/upsampled_video .mp4 and .gif, and compare.png to --out."})
public final class UpsampleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "A video file or frame folder.")
    Path video;

    @Option(names = "--compare", description = "Treat VIDEO as the high-resolution reference: shrink it, upsample it back, print PSNR against it.")
    boolean compare;

    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Folder of trained networks (default: checkpoints/toy of the project).")
    Path checkpoints;

    @Option(names = "--model", defaultValue = "both", description = "image, video or both (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--level", description = "Noise augmentation level of the low-resolution input, 0..349 (default: the upsampler's, 20).")
    Integer level;

    @Option(names = "--frames", description = "Frames from the start of the video (default: all of them, at most " + MAX_DEFAULT_FRAMES + ").")
    Integer frames;

    @Option(names = "--steps", defaultValue = "30", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler, heun, dpmpp2m, ddim or ancestral (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (the same noise for both upsamplers; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--decoder", defaultValue = "temporal", description = "temporal or image (default: ${DEFAULT-VALUE}).")
    String decoder;

    @Option(names = "--size", paramLabel = "HxW", description = "Resize VIDEO's frames to cover HxW and crop the middle first, or 'native' to keep "
            + "them (default: with --compare the frame size the networks were trained at, since an upsampler learns the scale of what it draws; "
            + "else native).")
    String size;

    @Option(names = "--out", defaultValue = "out/upsample", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    static final int MAX_DEFAULT_FRAMES = 64;

    /** {height, width} to resize to, or null for the frames as they are. */
    private int[] targetSize(CheckpointFolder folder) {
        if (size == null) {
            return compare ? folder.frameSize() : null;
        }
        if (size.equalsIgnoreCase("native")) {
            return null;
        }
        String[] hw = size.toLowerCase(Locale.ROOT).split("x");
        try {
            int h = Integer.parseInt(hw[0].trim());
            int w = Integer.parseInt(hw[1].trim());
            if (hw.length == 2 && h > 0 && w > 0) {
                return new int[] {h, w};
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException("--size must be HxW (e.g. 64x128) or native, got '" + size + "'");
    }

    @Override
    public Integer call() throws Exception {
        Path dir = checkpoints != null ? checkpoints : org.videoldm.data.DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY);
        CheckpointFolder folder = CheckpointFolder.of(dir);
        boolean image = model.equals("image") || model.equals("both");
        boolean vid = model.equals("video") || model.equals("both");
        if (!image && !vid) {
            throw new IllegalArgumentException("--model must be image, video or both, got '" + model + "'");
        }
        if (frames != null && frames < 2) {
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
            int scale = ups.get(0).upscale();
            int[] g = ups.get(0).inputGranularity();
            // In compare mode the video is the reference, so its sides must be the input's grid times the scale.
            int unitH = compare ? g[0] * scale : g[0];
            int unitW = compare ? g[1] * scale : g[1];
            Video v = VideoReader.standard().read(video, f -> f);
            int available = v.size();
            int n = frames != null ? frames : Math.min(available, MAX_DEFAULT_FRAMES);
            if (available < n) {
                throw new IllegalArgumentException(video + ": has " + available + " frames, --frames asks for " + n);
            }
            if (n < 2) {
                throw new IllegalArgumentException(video + ": has " + available + " frame(s); the upsamplers need at least 2");
            }
            if (frames == null && available > n) {
                System.err.println("upsampling the first " + n + " of " + available + " frames (--frames sets how many)");
            }
            int[] resize = targetSize(folder);
            List<RgbFrame> source = v.frames().subList(0, n);
            if (resize != null) {
                System.err.printf(Locale.ROOT, "resizing %dx%d frames to %dx%d (WxH)%s%n", source.get(0).width(), source.get(0).height(), resize[1], resize[0],
                        size == null ? ", the size the networks were trained at (--size native keeps them)" : "");
                List<RgbFrame> resized = new ArrayList<>();
                for (RgbFrame f : source) {
                    resized.add(FrameResize.centerCrop(FrameResize.resizeToCover(f, resize[0], resize[1]), resize[0], resize[1]));
                }
                source = resized;
            }
            RgbFrame first = source.get(0);
            int cropH = first.height() / unitH * unitH;
            int cropW = first.width() / unitW * unitW;
            if (cropH == 0 || cropW == 0) {
                throw new IllegalArgumentException(video + ": frames of " + first.width() + "x" + first.height() + " (WxH) are smaller than the upsampler's smallest "
                        + (compare ? "reference" : "input") + " of " + unitW + "x" + unitH);
            }
            if (cropH != first.height() || cropW != first.width()) {
                System.err.printf(Locale.ROOT, "cropping %dx%d frames to %dx%d (WxH), the nearest size the upsampler takes%n", first.width(), first.height(), cropW, cropH);
            }
            List<RgbFrame> frameList = new ArrayList<>();
            for (RgbFrame f : source) {
                frameList.add(FrameResize.centerCrop(f, cropH, cropW));
            }
            NDArray given = VideoTensors.framesInner(VideoTensors.toTensor(m, List.of(Clip.of("video", frameList))));
            NDArray reference = compare ? given : null;
            NDArray lowRes = compare ? ImageConcatWithNoiseAugmentation.resize(given, cropH / scale, cropW / scale) : given;
            long lh = lowRes.getShape().get(2);
            long lw = lowRes.getShape().get(3);
            long hh = lh * scale;
            long hw = lw * scale;
            Files.createDirectories(out);
            double rate = v.fps() > 0 ? v.fps() : 5;
            List<List<RgbFrame>> rows = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            List<RgbFrame> inputFrames = VideoTensors.toFrames(lowRes, n).get(0);
            Mp4Writer.write(out.resolve("input.mp4"), inputFrames, rate);
            if (compare) {
                Mp4Writer.write(out.resolve("reference.mp4"), frameList, rate);
                rows.add(frameList);
                labels.add("reference " + hh + "x" + hw);
            }
            rows.add(VideoTensors.toFrames(lowRes.getNDArrayInternal().interpolation(new long[] {hh, hw}, 0, false), n).get(0));
            labels.add("input " + lh + "x" + lw + " (nearest)");
            NDArray bicubic = Psnr.bicubic(lowRes, hh, hw);
            rows.add(VideoTensors.toFrames(bicubic, n).get(0));
            labels.add("bicubic");
            System.out.printf(Locale.ROOT, "input: %d frames of %dx%d (HxW) from %s; output %dx%d%n", n, lh, lw, video, hh, hw);
            if (compare) {
                System.out.printf(Locale.ROOT, "bicubic: PSNR %.2f dB against the reference%n", Psnr.of(bicubic, reference));
            }
            for (int i = 0; i < ups.size(); i++) {
                UpsamplerPipeline up = ups.get(i);
                int l = level != null ? level : up.defaultNoiseLevel();
                long t0 = System.nanoTime();
                NDArray z = up.latents(m, lowRes, n, l, o, null);
                NDArray pixels = vp.decode(z, n, dec, vp.trainedFrames(), null).clip(-1f, 1f);
                List<RgbFrame> result = VideoTensors.toFrames(pixels, n).get(0);
                String base = "upsampled_" + names.get(i);
                Mp4Writer.write(out.resolve(base + ".mp4"), result, rate);
                GifWriter.write(out.resolve(base + ".gif"), result, rate);
                // an output that follows its input shrinks back to it; one that draws another scene does not
                double consistency = Psnr.of(ImageConcatWithNoiseAugmentation.resize(pixels, lh, lw), lowRes);
                String scores = compare
                        ? String.format(Locale.ROOT, "PSNR %.2f dB against the reference, temporal error %.4f, ", Psnr.of(pixels, reference),
                                UpsamplerTraining.temporalError(pixels, reference))
                        : "";
                System.out.printf(Locale.ROOT, "%s upsampler (level %d): %sPSNR %.2f dB of its output shrunk back against the input; wrote %s in %.1f s%n",
                        names.get(i), l, scores, consistency, out.resolve(base + ".mp4"), (System.nanoTime() - t0) / 1e9);
                rows.add(result);
                labels.add(names.get(i) + " upsampler, level " + l);
            }
            FrameGrid.writePng(out.resolve("compare.png"), FrameGrid.image(rows, labels));
            System.out.println("wrote " + out.resolve("compare.png") + " and " + out.resolve("input.mp4") + (compare ? " and " + out.resolve("reference.mp4") : ""));
            return 0;
        }
    }
}
