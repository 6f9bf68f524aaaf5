package org.videoldm.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The scene labels of every clip of a {@link ClipDataset}, by clip id, looked up as {@link ClipCaptions} looks up
 * captions: label files given explicitly, then a {@link LabelFile#SIDECAR} in the video's folder or above it, then,
 * for procedural clips, the exact labels of their scene ({@link DrivingLabels#of}). Clips none of these covers have
 * no labels ({@link DrivingLabels#none()}: trained as unconditional).
 */
public final class ClipLabels {
    private final ClipCaptions texts;

    private ClipLabels(ClipCaptions texts) {
        this.texts = texts;
    }

    public static ClipLabels of(ClipDataset ds, List<Path> files) {
        return new ClipLabels(ClipCaptions.of(ds, files, LabelFile.SIDECAR, LabelFile::read, (gen, i) -> DrivingLabels.of(gen.scene(i)).toString()));
    }

    /** The labels of a clip id; {@link DrivingLabels#none()} for an unlabelled clip. */
    public DrivingLabels labels(String clipId) {
        String t = texts.caption(clipId);
        return t == null ? DrivingLabels.none() : DrivingLabels.parse(t);
    }

    /** Clips with labels. */
    public int labelled() {
        return texts.captioned();
    }

    /** What was found, with warnings (label files that name no video of the data). */
    public String summary() {
        return texts.summary().replaceFirst("^captions: (\\d+) of (\\d+) clips captioned", "labels: $1 of $2 clips labelled");
    }
}
