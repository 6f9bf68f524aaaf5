package org.videoldm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.HoldOut;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.ClipSource;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoReader;
import org.videoldm.data.VideoScan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Find the videos under folders, skip what cannot be decoded (with the reason), split by video and count clips.")
public final class DatasetScanCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Folders of videos (or single videos).")
    List<Path> roots;

    @Option(names = "--frames", defaultValue = "16", description = "Frames per clip (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "64x128", converter = ClipSize.Converter.class, paramLabel = "HxW",
            description = "Clip height x width (default: ${DEFAULT-VALUE}).")
    ClipSize size;

    @Option(names = "--step", defaultValue = "1", description = "Take every N-th frame (default: ${DEFAULT-VALUE}).")
    int step;

    @Option(names = "--fps", description = "Resample clips to this frame rate instead of --step.")
    Double fps;

    @Option(names = "--spacing", defaultValue = "0", description = "Source frames between clip starts; 0: clips back to back.")
    int spacing;

    @Option(names = "--val", defaultValue = "0.2", description = "Share of videos held out for validation (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--seed", defaultValue = "0", description = "Decides the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--holdout", paramLabel = "FILE", description = "Hold-out rules (default: the project's datasets/holdout.txt when it exists; "
            + "'none' for the --val split alone).")
    String holdout;

    @Option(names = "--preview", paramLabel = "PNG", description = "Decode a few training clips and write them as a frame grid.")
    Path preview;

    @Option(names = "--preview-clips", defaultValue = "4", description = "Clips in the preview (default: ${DEFAULT-VALUE}).")
    int previewClips;

    private HoldOut holdOut() {
        if ("none".equals(holdout)) {
            return HoldOut.none();
        }
        Path file = holdout != null ? Path.of(holdout)
                : org.videoldm.data.DataSources.projectRoot().resolve(org.videoldm.train.stages.StageSettings.DEFAULT_HOLDOUT);
        return holdout == null && !java.nio.file.Files.isRegularFile(file) ? HoldOut.none() : HoldOut.read(file);
    }

    @Override
    public Integer call() {
        ClipOptions options = ClipOptions.defaults().withFrames(frames).withSize(size.height(), size.width()).withFrameStep(step)
                .withClipSpacing(spacing).withValidationFraction(validation).withSeed(seed);
        if (fps != null) {
            options = options.withTargetFps(fps);
        }
        // The summary lists skipped files with their reasons, so the scan's own warnings would repeat them.
        VideoReader reader = VideoReader.standard();
        ClipDataset ds = ClipDataset.of(options, holdOut(), VideoScan.scan(reader, roots, w -> { }), reader, System.err::println);
        System.out.print(ds.summary());
        if (preview != null) {
            ClipSource train = ds.train().size() > 0 ? ds.train() : ds.validation();
            List<List<RgbFrame>> rows = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            int n = Math.min(previewClips, train.size());
            for (int i = 0; i < n; i++) {
                int index = (int) ((long) i * train.size() / n);
                rows.add(train.clip(index).frameList());
                labels.add(train.clipId(index).replaceAll(".*/", ""));
            }
            if (rows.isEmpty()) {
                throw new IllegalStateException("no clips to preview");
            }
            FrameGrid.writePng(preview, FrameGrid.image(rows, labels));
            System.out.println("preview: " + preview);
        }
        return ds.train().size() + ds.validation().size() > 0 ? 0 : 1;
    }
}
