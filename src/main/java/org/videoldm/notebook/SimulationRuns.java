package org.videoldm.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.data.BoundingBox;
import org.videoldm.data.Clip;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.InterpolationPipeline;
import org.videoldm.pipeline.LongVideoPipeline;
import org.videoldm.pipeline.UpsamplerPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.RunMode;
import org.videoldm.util.Progress;

/**
 * The folders of notebook 08's driving simulation, laid out as {@code scripts/train-toy.sh sim} lays out its own: a run
 * folder per stage ({@code sim/image-ldm}, {@code sim/temporal}, {@code sim/prediction}, {@code sim/box-ldm}) and the
 * networks in {@code sim/checkpoints}, apart from the unconditional models (the label-conditioned networks have the same
 * file names). The shipped simulation networks, when present, are {@code checkpoints/toy-sim}. Also the cascade after the
 * rollouts: interpolation and upsampling in pixel space, with another folder's networks and autoencoder.
 */
public final class SimulationRuns extends NetworkChain {
    /** Where the shipped toy simulation networks live, relative to the project root. */
    public static final String SHIPPED = "checkpoints/toy-sim";

    /** One rollout setting: its scene labels (null: free) and its context and label guidance scales (1: off). */
    public record Setting(String name, String labels, double contextGuidance, double labelGuidance) {
        /** The rollout's options: these scales on {@code sampling}, one context frame (the first frame). */
        public LongVideoPipeline.Options options(VideoLDMPipeline.Options sampling) {
            return LongVideoPipeline.Options.defaults().withSampling(sampling).withContextFrames(1).withContextGuidance(contextGuidance)
                    .withLabelGuidance(labelGuidance);
        }
    }

    public SimulationRuns(Workbench wb) {
        super(wb, "sim", SHIPPED, CheckpointFolder.BOX_LDM, CheckpointFolder.PREDICTION);
    }

    /** The hand labels of the real drives (see {@link #projectSidecar}); procedural clips carry their own. */
    public List<Path> labelFiles() {
        return projectSidecar("labels");
    }

    /** The folder with {@code network} (e.g. interpolation): the notebooks' (04, 05), else the shipped one; null if neither has it. */
    public Path folderWith(String network) {
        for (Path p : new Path[] {wb.checkpoints(), wb.shippedCheckpoints()}) {
            if (CheckpointFolder.of(p).has(network) && CheckpointFolder.of(p).has(CheckpointFolder.AUTOENCODER)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Frames of a rollout of whole windows (T frames, then T - S more per window) lasting at least {@code seconds} at the
     * scale's frame rate; three windows in smoke mode.
     */
    public int rolloutFrames(int windowFrames, int contextFrames, double seconds) {
        int step = windowFrames - contextFrames;
        int more = wb.mode == RunMode.SMOKE ? 2 : (int) Math.max(0, Math.ceil((seconds * wb.scale.targetFps() - windowFrames) / step));
        return windowFrames + more * step;
    }

    /** Keyframes and the video interpolated from them ({@code stride} times the frame rate). */
    public record Interpolated(List<List<RgbFrame>> keyframes, List<List<RgbFrame>> frames, int stride) {}

    /**
     * The first {@code keyframes} frames of each video (at least the model's window) interpolated by the interpolation
     * model of {@code folder}: encoded with that folder's autoencoder (the rollouts may come from another), interpolated,
     * decoded with its image decoder.
     */
    public static Interpolated interpolate(Path folder, NDManager m, List<List<RgbFrame>> videos, int keyframes, VideoLDMPipeline.Options o) {
        try (NDManager scope = m.newSubManager()) {
            VideoLDMPipeline ae = VideoLDMPipeline.load(folder, scope).progress(Progress.Mode.QUIET);
            InterpolationPipeline ip = InterpolationPipeline.load(folder, scope).progress(Progress.Mode.QUIET);
            int k = Math.min(Math.max(keyframes, ip.windowKeyframes()), videos.get(0).size());
            List<List<RgbFrame>> keys = new ArrayList<>();
            videos.forEach(v -> keys.add(v.subList(0, k)));
            NDArray z = ae.imageFirstStage().encodeScaled(pixels(scope, keys));
            int f = ip.outputFrames(k);
            NDArray out = ae.decode(ip.latents(scope, z, k, o, null), f, VideoLDMPipeline.DecoderChoice.IMAGE, f, null).clip(-1f, 1f);
            return new Interpolated(keys, VideoLDMPipeline.toFrames(out, f), ip.stride());
        }
    }

    /** Videos upsampled by the temporally aligned upsampler of {@code folder} (its output decoded by that folder's image decoder). */
    public static List<List<RgbFrame>> upsample(Path folder, NDManager m, List<List<RgbFrame>> videos, VideoLDMPipeline.Options o) {
        try (NDManager scope = m.newSubManager()) {
            VideoLDMPipeline ae = VideoLDMPipeline.load(folder, scope).progress(Progress.Mode.QUIET);
            UpsamplerPipeline up = UpsamplerPipeline.load(folder, scope, true).progress(Progress.Mode.QUIET);
            int t = videos.get(0).size();
            NDArray z = up.latents(scope, pixels(scope, videos), t, up.defaultNoiseLevel(), o, null);
            return VideoLDMPipeline.toFrames(ae.decode(z, t, VideoLDMPipeline.DecoderChoice.IMAGE, t, null).clip(-1f, 1f), t);
        }
    }

    /** Frames of equal-length videos as [(b t), 3, H, W] in [-1, 1]. */
    private static NDArray pixels(NDManager m, List<List<RgbFrame>> videos) {
        List<Clip> clips = new ArrayList<>();
        videos.forEach(v -> clips.add(Clip.of("rollout", v)));
        return VideoTensors.framesInner(VideoTensors.toTensor(m, clips));
    }

    /** A frame with the requested car boxes outlined, to set against what the box LDM drew. */
    public static RgbFrame withBoxes(RgbFrame frame, List<BoundingBox> boxes) {
        BufferedImage img = frame.toImage();
        Graphics2D g = img.createGraphics();
        g.setColor(Color.YELLOW);
        g.setStroke(new BasicStroke(1f));
        for (BoundingBox b : boxes) {
            int x0 = (int) Math.round(b.x0() * frame.width());
            int y0 = (int) Math.round(b.y0() * frame.height());
            g.drawRect(x0, y0, Math.max(1, (int) Math.round(b.x1() * frame.width()) - x0 - 1), Math.max(1, (int) Math.round(b.y1() * frame.height()) - y0 - 1));
        }
        g.dispose();
        return RgbFrame.fromImage(img);
    }
}
