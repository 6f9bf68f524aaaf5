package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.UpsamplerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "upsampler", mixinStandardHelpOptions = true, description = "Upsampler (x2, or x4 with --upscale 4): an image upsampler on latents "
        + "conditioned on noise-augmented low-resolution frames (from image_ldm), then its temporal alignment; exports upsampler_image and upsampler_video (needs autoencoder, "
        + "image_ldm; video_ldm's temporal layers are used when present). --steps/--batch/--lr are the image upsampler's.")
public final class TrainUpsamplerCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--video-steps", description = "Steps of the temporal alignment (default: the stage's).")
    Long videoSteps;

    @Option(names = "--video-batch", description = "Clips per step of the temporal alignment (default: the stage's).")
    Integer videoBatch;

    @Option(names = "--only", description = "image or video: train only one of the two (video needs upsampler_image in --out).")
    String only;

    @Option(names = "--from-scratch", description = "Train the image upsampler from scratch instead of from image_ldm.")
    boolean fromScratch;

    @Option(names = "--upscale", description = "Output side / input side: 2 or 4 (the paper's driving cascade; default: 2).")
    Integer upscale;

    @Override
    public Integer call() {
        UpsamplerTraining.Settings s = options.apply(UpsamplerTraining.Settings.defaults(options.scale(), options.mode())).fromScratch(fromScratch);
        if (videoSteps != null) {
            s.videoSteps(videoSteps);
        }
        if (videoBatch != null) {
            s.videoBatch(videoBatch);
        }
        if (upscale != null) {
            s.upscale(upscale);
            s.unshuffle(); // a factor the autoencoder's grid cannot take is refused before any work
        }
        if (only != null && !only.equals("image") && !only.equals("video")) {
            throw new IllegalArgumentException("--only must be image or video, got '" + only + "'");
        }
        UpsamplerTraining u = new UpsamplerTraining(s);
        if (only == null || only.equals("image")) {
            TrainOptions.report(u.runImage(null));
        }
        if (only == null || only.equals("video")) {
            TrainOptions.report(u.runVideo(null));
        }
        return 0;
    }
}
