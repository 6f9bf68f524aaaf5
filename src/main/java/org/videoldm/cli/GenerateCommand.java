package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.DataSources;
import org.videoldm.data.DrivingLabels;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;
import org.videoldm.data.RgbFrame;
import org.videoldm.model.SavedNetwork;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.InterpolationPipeline;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.stages.LabelConditioning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code videoldm generate}: driving videos from the shipped checkpoints (image LDM + temporal layers + temporal
 * decoder), written as MP4 and GIF plus a PNG grid of all frames.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Sample driving videos with the video LDM (image LDM + temporal layers) and decode them with the temporal decoder; "
                + "writes video_NN.mp4, video_NN.gif and grid.png to --out.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Folder of trained networks (default: checkpoints/toy of the project).")
    Path checkpoints;

    @Option(names = "--videos", defaultValue = "2", description = "Number of videos (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--frames", description = "Frames per video (default: the clip length the video LDM was trained on).")
    Integer frames;

    @Option(names = "--seed", defaultValue = "0", description = "Video i uses a seed derived from (seed, i) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "30", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler, heun, dpmpp2m, ddim or ancestral (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--batch", defaultValue = "0", description = "Videos per network call; 0 chooses by free memory, up to 8 (default: ${DEFAULT-VALUE}). "
            + "With a deterministic sampler the videos do not depend on it.")
    int batch;

    @Option(names = "--guidance", description = "With --long: context guidance scale of the prediction model (against the same model with the "
            + "context frames dropped), >= 1 (default: 2), with or without --labels; with --labels alone: label guidance scale against the "
            + "unconditional (all labels dropped) model, >= 1 (default: 3).")
    Double guidance;

    @Option(names = "--label-guidance", paramLabel = "S", description = "With --long and --labels: label guidance scale of the rollout, against "
            + "the prediction model with all labels dropped, >= 1 (default: 3; 1: the labels only condition the model); combined with --guidance's "
            + "context guidance in one step. Without --long, --guidance is the label guidance.")
    Double labelGuidance;

    @Option(names = "--labels", paramLabel = "LABELS", description = "Scene labels for a label-conditioned video LDM (train image-ldm/temporal --labels), "
            + "e.g. night,crowded or day,cars=1: time of day (day, dusk, night) and crowdedness (empty, light, crowded, or cars=N); a label left "
            + "out is free.")
    String labels;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Text-to-video from a text-conditioned model (default --checkpoints: "
            + PromptVideos.SHIPPED_T2V + "): --videos videos per prompt; repeat for several prompts. With --model image the temporal layers are mixed "
            + "out (the text-to-image model frame by frame). Decodes with the image decoder; --guidance is the classifier-free guidance (default 5).")
    List<String> prompts;

    @Option(names = "--negative-prompt", defaultValue = "", paramLabel = "TEXT", description = "With --prompt: what guidance steers away from "
            + "(default: the empty prompt, the unconditional model).")
    String negativePrompt;

    @Option(names = "--context-frames", defaultValue = "2", description = "Frames each --long window is conditioned on (1 or 2; default: ${DEFAULT-VALUE}).")
    int contextFrames;

    @Option(names = "--interpolate", description = "Interpolate the result to 4x the frame rate with the interpolation model (needs interpolation.safetensors): "
            + "N frames become 4(N - 1) + 1.")
    boolean interpolate;

    @Option(names = "--decoder", defaultValue = "temporal", description = "temporal (fine-tuned video decoder) or image (per-frame decoder); default: ${DEFAULT-VALUE}.")
    String decoder;

    @Option(names = "--model", defaultValue = "video", description = "video (video LDM) or image (image LDM, every frame independent: the paper's baseline); "
            + "default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--decode-chunk", description = "Frames the temporal decoder sees at once (default: the trained clip length).")
    Integer chunk;

    @Option(names = "--fps", description = "Frame rate of the written videos (default: the rate the models were trained at).")
    Double fps;

    @Option(names = "--long", paramLabel = "N", description = "Roll out N frames with the prediction model (needs prediction.safetensors).")
    Integer longFrames;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        if (prompts != null) {
            return textToVideo();
        }
        Path dir = checkpoints != null ? checkpoints : DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoints folder " + dir + " does not exist: run notebooks 01-03 or `./videoldm train ...` to create it");
        }
        CheckpointFolder folder = CheckpointFolder.of(dir);
        if (videos < 1) {
            throw new IllegalArgumentException("--videos must be at least 1, got " + videos);
        }
        VideoLDMPipeline.Model which = switch (model.toLowerCase(Locale.ROOT)) {
            case "video" -> VideoLDMPipeline.Model.VIDEO_LDM;
            case "image" -> VideoLDMPipeline.Model.IMAGE_LDM_PER_FRAME;
            default -> throw new IllegalArgumentException("--model must be video or image, got '" + model + "'");
        };
        VideoLDMPipeline.DecoderChoice dec = VideoLDMPipeline.DecoderChoice.parse(decoder);
        VideoLDMPipeline.Options options = new VideoLDMPipeline.Options(sampler, steps, seed, batch);
        if (guidance != null && longFrames == null && labels == null) {
            throw new IllegalArgumentException("--guidance applies only with --long (context guidance of the prediction model) or --labels "
                    + "(label guidance): without labels the image and video LDMs are unconditional");
        }
        if (labelGuidance != null && (longFrames == null || labels == null)) {
            throw new IllegalArgumentException("--label-guidance applies to rollouts with labels (--long N --labels L); for clips, --labels with "
                    + "--guidance sets the label guidance");
        }
        VideoLDMPipeline.Labels labelInput = labels == null ? null : new VideoLDMPipeline.Labels(
                LabelConditioning.conditioner(0).oneHot(DrivingLabels.parse(labels).classes(), null), guidance != null ? guidance : 3.0);
        if (longFrames != null && longFrames < 1) {
            throw new IllegalArgumentException("--long must be at least 1 frame, got " + longFrames);
        }
        if (longFrames != null && (which != VideoLDMPipeline.Model.VIDEO_LDM || frames != null)) {
            throw new IllegalArgumentException("--long N samples N frames with the prediction model: --model image and --frames do not apply");
        }
        // fail before any work when a required network is missing
        folder.require(CheckpointFolder.AUTOENCODER);
        if (longFrames != null) {
            folder.require(CheckpointFolder.PREDICTION);
        } else {
            folder.require(which == VideoLDMPipeline.Model.VIDEO_LDM ? CheckpointFolder.VIDEO_LDM : CheckpointFolder.IMAGE_LDM);
        }
        if (interpolate) {
            folder.require(CheckpointFolder.INTERPOLATION);
        }
        if (dec == VideoLDMPipeline.DecoderChoice.TEMPORAL) {
            folder.require(CheckpointFolder.VIDEO_DECODER);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            VideoLDMPipeline p = VideoLDMPipeline.load(dir, m);
            int[] size = folder.frameSize();
            Shape latent = p.latentShape(size[0], size[1]);
            double rate = fps != null ? fps : trainedFps(folder);
            long t0 = System.nanoTime();
            NDArray z;
            int t;
            String what;
            if (longFrames != null) {
                LongVideoPipeline lp = LongVideoPipeline.load(dir, m);
                LongVideoPipeline.Options lo = LongVideoPipeline.Options.defaults().withSampling(options).withContextFrames(contextFrames)
                        .withContextGuidance(guidance != null ? guidance : 2.0).withLabelGuidance(labelGuidance != null ? labelGuidance : 3.0);
                t = longFrames;
                z = lp.latents(m, videos, t, null, lo, labelInput == null ? null : labelInput.vector(), null, null);
                what = String.format(Locale.ROOT, "prediction model (%d-frame windows, %d context frames, context guidance %.3g)", lp.windowFrames(),
                        contextFrames, lo.contextGuidance()) + (labels == null ? ""
                        : String.format(Locale.ROOT, " with labels '%s' (label guidance %.3g)", DrivingLabels.parse(labels), lo.labelGuidance()));
            } else {
                t = frames != null ? frames : p.trainedFrames();
                z = which == VideoLDMPipeline.Model.VIDEO_LDM ? p.sampleVideo(m, videos, t, latent, options, null, labelInput)
                        : p.sampleImageFrames(m, videos, t, latent, options, null, labelInput);
                what = which == VideoLDMPipeline.Model.VIDEO_LDM ? "video LDM" : "image LDM (independent frames)";
                if (labelInput != null) {
                    what += String.format(Locale.ROOT, " with labels '%s' (guidance %.3g)", DrivingLabels.parse(labels), labelInput.guidance());
                }
            }
            if (interpolate) {
                InterpolationPipeline ip = InterpolationPipeline.load(dir, m);
                if (t < ip.windowKeyframes()) {
                    throw new IllegalArgumentException("--interpolate needs at least " + ip.windowKeyframes() + " frames, got " + t);
                }
                z = ip.latents(m, z, t, options, null);
                t = ip.outputFrames(t);
                rate *= ip.stride();
                what += ", interpolated x" + ip.stride();
            }
            List<List<RgbFrame>> result = VideoLDMPipeline.toFrames(p.decode(z, t, dec, chunk != null ? chunk : p.trainedFrames(), null), t);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Files.createDirectories(out);
            for (int v = 0; v < result.size(); v++) {
                String base = String.format(Locale.ROOT, "video_%02d", v);
                Mp4Writer.write(out.resolve(base + ".mp4"), result.get(v), rate);
                GifWriter.write(out.resolve(base + ".gif"), result.get(v), rate);
                System.out.printf(Locale.ROOT, "wrote %s and %s (%d frames of %dx%d (HxW) at %s fps)%n", out.resolve(base + ".mp4"), out.resolve(base + ".gif"),
                        t, size[0], size[1], formatFps(rate));
            }
            FrameGrid.writePng(out.resolve("grid.png"), result);
            System.out.printf(Locale.ROOT, "wrote %s (rows: videos, columns: frames)%n", out.resolve("grid.png"));
            System.out.printf(Locale.ROOT, "%d video(s) of %d frames with the %s, %s %d steps, %s decoder, seed %d, in %.1f s%n", videos, t,
                    what, sampler, steps,
                    dec.name().toLowerCase(Locale.ROOT), seed, seconds);
            return 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(out + ": cannot write: " + e.getMessage(), e);
        }
    }

    private int textToVideo() {
        if (labels != null || longFrames != null || interpolate) {
            throw new IllegalArgumentException("--prompt samples the text-to-video model: --labels, --long and --interpolate do not apply");
        }
        if (videos < 1) {
            throw new IllegalArgumentException("--videos must be at least 1, got " + videos);
        }
        boolean imagesOnly = switch (model.toLowerCase(Locale.ROOT)) {
            case "video" -> false;
            case "image" -> true;
            default -> throw new IllegalArgumentException("--model must be video or image, got '" + model + "'");
        };
        Path dir = checkpoints != null ? checkpoints : DataSources.projectRoot().resolve(PromptVideos.SHIPPED_T2V);
        double rate = fps != null ? fps : Files.isDirectory(dir) ? trainedFps(CheckpointFolder.of(dir)) : 5;
        return PromptVideos.run(new PromptVideos.Request(dir, prompts, negativePrompt, videos, frames, imagesOnly, sampler, steps,
                guidance != null ? guidance : 5.0, seed, rate, out));
    }

    /** The clip rate of the video LDM's training data (its card), else 5 fps. */
    private static double trainedFps(CheckpointFolder folder) {
        for (String name : new String[] {CheckpointFolder.VIDEO_LDM, CheckpointFolder.VIDEO_DECODER}) {
            if (folder.has(name)) {
                String card = SavedNetwork.metadata(folder.network(name)).get(SavedNetwork.KEY_CARD);
                if (card != null) {
                    JsonObject data = com.google.gson.JsonParser.parseString(card).getAsJsonObject().getAsJsonObject("data");
                    if (data != null && data.has("fps") && data.get("fps").getAsDouble() > 0) {
                        return data.get("fps").getAsDouble();
                    }
                }
            }
        }
        return 5;
    }

    private static String formatFps(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.3g", fps);
    }

}
