package org.videoldm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.DataSources;
import org.videoldm.data.DrivingLabels;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;
import org.videoldm.data.RgbFrame;
import org.videoldm.eval.RolloutDrift;
import org.videoldm.metrics.FeatureDetector;
import org.videoldm.metrics.ToyDetector;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.SimulationPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code videoldm simulate}: the paper's driving simulation. The box LDM sets up a scenario's first frame from car
 * boxes, then the prediction model rolls it out, several futures of the same first frame in one batch.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate driving scenarios: a first frame from car boxes (box_ldm), then --futures rollouts of it with the prediction model "
                + "(prediction; with --labels a label-conditioned one); writes first_frame.png, future_NN.mp4/.gif, grid.png and the per-window "
                + "drift table drift.csv to --out.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Folder of trained networks (default: checkpoints/toy of the project).")
    Path checkpoints;

    @Option(names = "--boxes", required = true, paramLabel = "BOXES", description = "Car boxes of the first frame, normalised corners "
            + "x0,y0,x1,y1 separated by ';' (x from the left, y from the top), e.g. \"0.42,0.55,0.52,0.68;0.6,0.5,0.66,0.58\"; \"\" for an empty road.")
    String boxes;

    @Option(names = "--labels", paramLabel = "LABELS", description = "Scene labels of the rollout for a label-conditioned prediction model "
            + "(train prediction --labels), e.g. night,crowded; a label left out is free.")
    String labels;

    @Option(names = "--frames", defaultValue = "16", description = "Frames per future, the first frame included (default: ${DEFAULT-VALUE}); 1: the first frame only.")
    int frames;

    @Option(names = "--futures", defaultValue = "3", description = "Rollouts of the same first frame (default: ${DEFAULT-VALUE}).")
    int futures;

    @Option(names = "--box-guidance", defaultValue = "3", description = "Classifier-free guidance of the box LDM (default: ${DEFAULT-VALUE}).")
    double boxGuidance;

    @Option(names = "--guidance", defaultValue = "2", description = "Context guidance scale of the rollout: against the prediction model with the "
            + "context frames dropped, >= 1 (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--label-guidance", paramLabel = "S", description = "With --labels: label guidance scale of the rollout, against the prediction "
            + "model with all labels dropped, >= 1 (default: 3; 1: the labels only condition the model); combined with the context guidance in one step.")
    Double labelGuidance;

    @Option(names = "--steps", defaultValue = "30", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler, heun, dpmpp2m, ddim or ancestral (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first frame; future i uses a seed derived from (seed, i).")
    long seed;

    @Option(names = "--decoder", defaultValue = "temporal", description = "temporal or image (default: ${DEFAULT-VALUE}; image when there is no video_decoder).")
    String decoder;

    @Option(names = "--fps", defaultValue = "5", description = "Frame rate of the written videos (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--no-drift", description = "Skip the per-window drift table (printed after the rollout and written as drift.csv).")
    boolean noDrift;

    @Option(names = "--out", defaultValue = "out/simulate", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    /** The rollouts' per-window drift (S = 1, the box frame given), with FVD-toy features when the folder has fvd_toy. */
    private void drift(CheckpointFolder folder, List<List<RgbFrame>> videos, int windowFrames) {
        RolloutDrift.Layout layout = new RolloutDrift.Layout(windowFrames, 1, true);
        List<RolloutDrift.Row> rows;
        try (FeatureDetector det = folder.has(CheckpointFolder.FVD_TOY)
                ? ToyDetector.load(folder.network(CheckpointFolder.FVD_TOY), FeatureDetector.Input.CLIPS) : null) {
            rows = RolloutDrift.rows(videos, layout, det, 1000, seed);
        }
        System.out.print(RolloutDrift.table(rows));
        RolloutDrift.writeCsv(out.resolve("drift.csv"), rows);
        System.out.printf(Locale.ROOT, "wrote %s (%d windows of %d frames, 1 context frame%s)%n", out.resolve("drift.csv"), rows.size(), windowFrames,
                folder.has(CheckpointFolder.FVD_TOY) ? "; feature drift under " + CheckpointFolder.FVD_TOY : "; no fvd_toy, so no feature drift");
    }

    @Override
    public Integer call() {
        Path dir = checkpoints != null ? checkpoints : DataSources.projectRoot().resolve(CheckpointFolder.SHIPPED_TOY);
        CheckpointFolder folder = CheckpointFolder.of(dir);
        List<BoundingBox> layout = BoundingBox.parseList(boxes);
        if (labels != null && frames == 1) {
            throw new IllegalArgumentException("--labels conditions the rollout; with --frames 1 there is none");
        }
        if (labelGuidance != null && labels == null) {
            throw new IllegalArgumentException("--label-guidance needs --labels: without labels there is nothing to guide towards");
        }
        if (frames < 1 || futures < 1) {
            throw new IllegalArgumentException("--frames and --futures must be at least 1");
        }
        folder.require(CheckpointFolder.AUTOENCODER);
        folder.require(CheckpointFolder.BOX_LDM);
        if (frames > 1) {
            folder.require(CheckpointFolder.PREDICTION);
        }
        VideoLDMPipeline.Options o = new VideoLDMPipeline.Options(sampler, steps, seed, futures);
        try (NDManager m = NDManager.newBaseManager()) {
            SimulationPipeline sim = SimulationPipeline.load(dir, m, frames > 1);
            long t0 = System.nanoTime();
            NDArray first = sim.firstFrame(m, layout, o, boxGuidance);
            Files.createDirectories(out);
            RgbFrame firstFrame = sim.decodeFirstFrame(first);
            javax.imageio.ImageIO.write(firstFrame.toImage(), "png", out.resolve("first_frame.png").toFile());
            System.out.printf(Locale.ROOT, "wrote %s (%d box(es))%n", out.resolve("first_frame.png"), layout.size());
            if (frames == 1) {
                return 0;
            }
            LongVideoPipeline.Options lo = LongVideoPipeline.Options.defaults().withSampling(o.withSeed(seed + 1)).withContextFrames(1)
                    .withContextGuidance(guidance).withLabelGuidance(labelGuidance != null ? labelGuidance : 3.0);
            List<List<RgbFrame>> videos = sim.futures(m, first, futures, frames, labels, lo, VideoLDMPipeline.DecoderChoice.parse(decoder));
            for (int v = 0; v < videos.size(); v++) {
                String base = String.format(Locale.ROOT, "future_%02d", v);
                Mp4Writer.write(out.resolve(base + ".mp4"), videos.get(v), fps);
                GifWriter.write(out.resolve(base + ".gif"), videos.get(v), fps);
            }
            FrameGrid.writePng(out.resolve("grid.png"), new ArrayList<>(videos));
            System.out.printf(Locale.ROOT, "wrote %d future(s) of %d frames to %s (rows of grid.png: futures; context guidance %.3g%s) in %.1f s%n",
                    futures, frames, out, lo.contextGuidance(), labels == null ? ""
                            : String.format(Locale.ROOT, ", labels '%s', label guidance %.3g", DrivingLabels.parse(labels), lo.labelGuidance()),
                    (System.nanoTime() - t0) / 1e9);
            if (!noDrift) {
                drift(folder, videos, sim.prediction().windowFrames());
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write: " + e.getMessage(), e);
        }
    }
}
