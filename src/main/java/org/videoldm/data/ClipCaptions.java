package org.videoldm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The caption of every clip of a {@link ClipDataset}, by clip id ({@code folder/video@first frame}, as latent caches
 * store them), from three places in this order: caption files given explicitly (video names relative to the data
 * folder), a {@code captions.txt} sidecar in the video's folder or a folder above it within the data folder
 * ({@link CaptionFile}), and for procedural clips their scene ({@link DrivingSceneCaption}). Clips none of these
 * covers have no caption (null): text-conditioned training gives them the empty prompt.
 */
public final class ClipCaptions {
    private final Map<String, String> byClip;
    private final int clips;
    private final List<String> warnings;

    private ClipCaptions(Map<String, String> byClip, int clips, List<String> warnings) {
        this.byClip = byClip;
        this.clips = clips;
        this.warnings = List.copyOf(warnings);
    }

    /** Captions for every clip (training and validation) of {@code ds}; {@code files} are extra caption files. */
    public static ClipCaptions of(ClipDataset ds, List<Path> files) {
        return of(ds, files, CaptionFile.SIDECAR, CaptionFile::read, SyntheticDriving::caption);
    }

    /**
     * The same lookup for any per-clip text kept in the caption file format (scene labels use it): sidecars named
     * {@code sidecar}, files read (and checked) by {@code reader}, procedural clips' text from their generator.
     */
    static ClipCaptions of(ClipDataset ds, List<Path> files, String sidecarName, java.util.function.Function<Path, CaptionFile> reader,
            java.util.function.BiFunction<SyntheticDriving, Integer, String> procedural) {
        List<CaptionFile> explicit = new ArrayList<>();
        for (Path f : files) {
            explicit.add(reader.apply(f));
        }
        Map<Path, CaptionFile> sidecars = new LinkedHashMap<>();
        Map<Path, SyntheticDriving> generators = new LinkedHashMap<>();
        Set<VideoScan.Entry> videos = new LinkedHashSet<>(ds.trainVideos());
        videos.addAll(ds.validationVideos());
        Map<String, String> out = new LinkedHashMap<>();
        Set<CaptionFile> used = new LinkedHashSet<>();
        int clips = 0;
        for (VideoScan.Entry v : videos) {
            Path file = v.info().path().toAbsolutePath().normalize();
            String[] id = v.id().split("/");
            Path root = file;
            for (int i = 0; i < id.length - 1; i++) {
                root = root.getParent();
            }
            String relative = root.relativize(file).toString().replace('\\', '/');
            CaptionFile source = null;
            String sourcePath = relative;
            for (CaptionFile c : explicit) {
                if (c.names(relative)) {
                    source = c;
                    break;
                }
            }
            for (Path dir = file.getParent(); source == null && dir != null && dir.startsWith(root); dir = dir.getParent()) {
                Path side = dir.resolve(sidecarName);
                CaptionFile c = sidecars.computeIfAbsent(side, p -> Files.isRegularFile(p) ? reader.apply(p) : null);
                String rel = dir.relativize(file).toString().replace('\\', '/');
                if (c != null && c.names(rel)) {
                    source = c;
                    sourcePath = rel;
                }
            }
            SyntheticDriving gen = generators.computeIfAbsent(file.getParent(), SyntheticDriving::fromManifest);
            int index = SyntheticDriving.clipIndex(file.getFileName().toString());
            for (int[] w : ds.options().windows(v.info().frameCount(), v.info().fps())) {
                clips++;
                String text = null;
                if (source != null) {
                    text = source.caption(sourcePath, w[0], w[w.length - 1], v.info().fps());
                    used.add(source);
                } else if (gen != null && index >= 0) {
                    text = procedural.apply(gen, index);
                }
                if (text != null) {
                    out.put(v.id() + "@" + w[0], text);
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        for (CaptionFile c : explicit) {
            if (!used.contains(c)) {
                warnings.add("warning: " + c.source() + ": names none of the videos in the data");
            }
        }
        return new ClipCaptions(out, clips, warnings);
    }

    /** The caption of a clip id, or null. */
    public String caption(String clipId) {
        return byClip.get(clipId);
    }

    /** Clip ids with a caption. */
    public int captioned() {
        return byClip.size();
    }

    /** What was found, in one line, with the warnings after it. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "captions: %d of %d clips captioned", byClip.size(), clips));
        warnings.forEach(w -> sb.append(System.lineSeparator()).append(w));
        return sb.toString();
    }

    public List<String> warnings() {
        return warnings;
    }
}
