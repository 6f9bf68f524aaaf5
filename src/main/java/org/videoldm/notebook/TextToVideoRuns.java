package org.videoldm.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.pipeline.CheckpointFolder;

/**
 * The folders of notebook 07's text-to-video chain, laid out as {@code scripts/train-toy.sh t2v} lays out its own: one
 * run folder per stage ({@code t2v/clip}, {@code t2v/image-ldm}, {@code t2v/temporal}, ...) and the networks in
 * {@code t2v/checkpoints}, apart from the unconditional models' run folders (whose {@code image_ldm} run the text-to-image
 * stage must not resume). The shipped text-to-video networks, when present, are {@code checkpoints/toy-t2v}.
 */
public final class TextToVideoRuns extends NetworkChain {
    /** Where the shipped toy text-to-video networks live, relative to the project root. */
    public static final String SHIPPED = "checkpoints/toy-t2v";

    /**
     * The subject of a personalisation run.
     *
     * @param dir the folder its frames were written to (PNG images in order)
     * @param video the video they come from
     * @param frames how many frames were written
     * @param real whether they are real footage (else a procedural clip)
     */
    public record Subject(Path dir, String video, int frames, boolean real) {}

    public TextToVideoRuns(Workbench wb) {
        super(wb, "t2v", SHIPPED, CheckpointFolder.TEXT_ENCODER, CheckpointFolder.VIDEO_LDM);
    }

    /** Caption files for the real clips: the project's hand-written captions of the development drives (see {@link #projectSidecar}). */
    public List<Path> captionFiles() {
        return projectSidecar("captions");
    }

    /** The rows of a model card's table whose key starts with one of {@code keys} (steps, final loss, metrics, ...), one a line. */
    public static String cardRows(Path card, String... keys) {
        try {
            return String.join("\n", Files.readAllLines(card).stream()
                    .filter(l -> java.util.Arrays.stream(keys).anyMatch(k -> l.startsWith("| " + k))).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(card + ": cannot read the model card: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the frames of one drive to {@code t2v/subject/} as PNG images for DreamBooth: the clips (at most
     * {@code maxClips}) of the first video of {@code real}, or, without real footage, the first clip of {@code procedural}.
     */
    public Subject writeSubject(ClipSource real, ClipSource procedural, int maxClips) {
        boolean isReal = real.size() > 0;
        ClipSource from = isReal ? real : procedural;
        if (from.size() == 0) {
            throw new IllegalArgumentException("no held-out clip to take a subject from");
        }
        String video = videoOf(from.clipId(0));
        List<RgbFrame> frames = new ArrayList<>();
        for (int i = 0, taken = 0; i < from.size() && taken < (isReal ? maxClips : 1); i++) {
            if (videoOf(from.clipId(i)).equals(video)) {
                frames.addAll(from.clip(i).frameList());
                taken++;
            }
        }
        Path dir = runs().resolve("subject");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".png")).toList()) {
                    Files.delete(p);
                }
            }
            for (int t = 0; t < frames.size(); t++) {
                ImageIO.write(frames.get(t).toImage(), "png", dir.resolve(String.format(Locale.ROOT, "frame_%03d.png", t)).toFile());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the subject's frames to " + wb.relative(dir) + ": " + e.getMessage(), e);
        }
        return new Subject(dir, video, frames.size(), isReal);
    }

    /** The video of a clip id ({@code folder/file@first-frame}). */
    static String videoOf(String clipId) {
        int at = clipId.lastIndexOf('@');
        return at < 0 ? clipId : clipId.substring(0, at);
    }
}
