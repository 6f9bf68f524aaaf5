package org.videoldm.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;
import org.videoldm.data.RgbFrame;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.TextToVideoPipeline;

/**
 * {@code generate --prompt}: text-to-video from a text-conditioned checkpoint folder (the shipped toy text-to-video model,
 * or one made by {@code t2v init} and {@code train temporal --captions}), with classifier-free guidance against the
 * negative prompt. Writes one MP4 and GIF per video, {@code grid.png} and {@code prompts.txt} (the prompt of each video).
 */
final class PromptVideos {
    /** Where the shipped toy text-to-video model lives, relative to the project root. */
    static final String SHIPPED_T2V = "checkpoints/toy-t2v";

    record Request(Path dir, List<String> prompts, String negativePrompt, int videosPerPrompt, Integer frames, boolean imagesOnly, String sampler,
            int steps, double guidance, long seed, double fps, Path out) {}

    private PromptVideos() {}

    static int run(Request r) {
        if (!Files.isDirectory(r.dir())) {
            throw new IllegalArgumentException("text-to-video: checkpoints folder " + r.dir() + " does not exist (the toy text-to-video model is made by "
                    + "`scripts/train-toy.sh t2v`; from Stable Diffusion weights by `./videoldm t2v init`)");
        }
        CheckpointFolder folder = CheckpointFolder.of(r.dir());
        folder.require(CheckpointFolder.AUTOENCODER);
        folder.require(CheckpointFolder.TEXT_ENCODER);
        if (r.guidance() < 1) {
            throw new IllegalArgumentException("--guidance must be at least 1 (1: no classifier-free guidance), got " + r.guidance());
        }
        for (String p : r.prompts()) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("--prompt: an empty prompt (the unconditional model is the negative prompt's job)");
            }
        }
        List<String> perVideo = new ArrayList<>();
        for (String p : r.prompts()) {
            for (int i = 0; i < r.videosPerPrompt(); i++) {
                perVideo.add(p);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TextToVideoPipeline p = TextToVideoPipeline.load(r.dir(), m);
            if (!p.isVideo() && !r.imagesOnly() && (r.frames() == null || r.frames() > 1)) {
                System.err.println("text-to-video: " + r.dir() + " holds a text-to-image LDM only: its frames are independent images");
            }
            int t = r.frames() != null ? r.frames() : Math.max(p.trainedFrames(), p.isVideo() ? 2 : 1);
            int[] size = folder.frameSize();
            long t0 = System.nanoTime();
            List<List<RgbFrame>> videos = p.generate(m, perVideo, r.negativePrompt(), t, size[0], size[1],
                    new TextToVideoPipeline.Options(r.sampler(), r.steps(), r.guidance(), r.seed(), r.imagesOnly()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Files.createDirectories(r.out());
            StringBuilder list = new StringBuilder();
            for (int v = 0; v < videos.size(); v++) {
                String base = String.format(Locale.ROOT, "video_%02d", v);
                Mp4Writer.write(r.out().resolve(base + ".mp4"), videos.get(v), r.fps());
                GifWriter.write(r.out().resolve(base + ".gif"), videos.get(v), r.fps());
                list.append(base).append('\t').append(perVideo.get(v)).append('\n');
                System.out.printf(Locale.ROOT, "wrote %s and %s: \"%s\"%n", r.out().resolve(base + ".mp4"), r.out().resolve(base + ".gif"), perVideo.get(v));
            }
            Files.writeString(r.out().resolve("prompts.txt"), list.toString());
            FrameGrid.writePng(r.out().resolve("grid.png"), videos);
            System.out.printf(Locale.ROOT, "wrote %s (rows: videos, columns: frames) and %s%n", r.out().resolve("grid.png"), r.out().resolve("prompts.txt"));
            System.out.printf(Locale.ROOT, "%d video(s) of %d frames of %dx%d (HxW) with the %s, guidance %.3g against %s, %s %d steps, seed %d, in %.1f s%n",
                    videos.size(), t, size[0], size[1], r.imagesOnly() || !p.isVideo() ? "text-to-image LDM (independent frames)" : "text-to-video LDM",
                    r.guidance(), r.negativePrompt().isEmpty() ? "the empty prompt" : "\"" + r.negativePrompt() + "\"", r.sampler(), r.steps(), r.seed(), seconds);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(r.out() + ": cannot write: " + e.getMessage(), e);
        }
    }
}
