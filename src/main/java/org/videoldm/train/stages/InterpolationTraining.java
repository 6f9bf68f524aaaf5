package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.InterpolationMask;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.InterpolationPipeline;
import org.videoldm.pipeline.VideoLDMPipeline;
import org.videoldm.train.DiffusionStage;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/**
 * The paper's temporal interpolation model (Sec. 3.3, T -> 4T): windows of (K - 1) 4 + 1 frames whose every 4th
 * frame is given; the model fills the three frames between each pair of keyframes. It sees clips at 4 times the base
 * model's frame rate, so its keyframes are spaced like the base model's frames; videos recorded below that rate are
 * left out (their clips would repeat frames). When no video reaches it (the procedural set is rendered at 10 fps), the
 * highest rate found is used and the card says so. Its own latent cache: {@code runs/interpolation/latents}.
 */
public final class InterpolationTraining extends MaskedVideoTraining<InterpolationTraining.Settings> {
    public static final String STAGE = "interpolation";

    public static final class Settings extends MaskedVideoTraining.Settings<Settings> {
        /** Frame-rate factor between keyframes and output (4 in the paper). */
        public int stride = InterpolationMask.PAPER_STRIDE;
        /** Keyframes per training window (3: windows of 9 frames). */
        public int windowKeyframes = 3;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            s.defaults(3000);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings stride(int v) { stride = v; return this; }
        public Settings windowKeyframes(int v) { windowKeyframes = v; return this; }

        public int windowFrames() {
            return InterpolationMask.framesFor(windowKeyframes, stride);
        }

        @Override
        public String stage() {
            return STAGE;
        }

        @Override
        protected List<String> jsonOrder() {
            return withOwn(List.of("stride", "windowKeyframes"));
        }
    }

    public InterpolationTraining(Settings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return CheckpointFolder.INTERPOLATION;
    }

    /** The clip rate: stride times the base rate, or the highest rate of the folder's videos if none reaches it. */
    public double clipFps(VideoScan.Result scan) {
        double wanted = s.scale.targetFps() * s.stride;
        double best = scan.videos().stream().mapToDouble(e -> e.info().fps()).max().orElse(wanted);
        return best < wanted * 0.95 ? best : wanted;
    }

    @Override
    public Data data(NDManager m) {
        List<Path> dirs = s.dataDirs();
        VideoScan.Result scan = LatentClips.scan(dirs);
        double fps = clipFps(scan);
        ClipOptions options = s.scale.clipOptions(s.seed).withFrames(s.windowFrames()).withTargetFps(fps);
        LatentClips.Source source = new LatentClips.Source(dirs, s.holdOut(), options, String.format(Locale.ROOT, "videos of at least %.3g fps", fps * 0.95));
        ClipDataset clips = LatentClips.dataset(source, scan, info -> info.fps() >= fps * 0.95);
        Path aePath = s.autoencoderOrDefault();
        SavedNetwork ae = SavedNetwork.load(aePath, m);
        double scale = ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aePath + ": no " + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata"));
        FirstStage first = new FirstStage(ae.module(AutoencoderKL.class), scale, aePath.getFileName() + " sha256:" + LatentCaching.sha256(aePath));
        LatentDataset latents = LatentClips.open(s.runDirOrDefault().resolve("latents"), source, LatentClips.perClipAugmentation(clips.train(), s.seed),
                first, m);
        ModelCard.Data card = new ModelCard.Data(StageRuns.dataCard(s, clips).source(), clips.trainVideos().size(), clips.train().size(),
                clips.validationVideos().size(), options.height(), options.width(), options.frames(), fps);
        return new Data(latents, card, options, scale);
    }

    @Override
    protected DiffusionStage.ConditioningHook maskHook() {
        return DiffusionStage.interpolation(s.stride);
    }

    @Override
    protected JsonObject conditioning(int latentChannels) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", latentChannels + 1);
        concat.addProperty("content", "keyframe latents at every " + s.stride + "th frame (" + latentChannels + " channels, zero between), "
                + "then a mask channel (1 = keyframe); see InterpolationMask");
        JsonObject o = new JsonObject();
        o.addProperty("type", "interpolation");
        o.add("concat", concat);
        o.addProperty("stride", s.stride);
        o.addProperty("window_keyframes", s.windowKeyframes);
        o.addProperty("window_frames", s.windowFrames());
        return o;
    }

    @Override
    protected List<String> notes() {
        double wanted = s.scale.targetFps() * s.stride;
        return List.of(String.format(Locale.ROOT, "Windows of %d frames, keyframes every %d; clips at %d x the base rate of %.3g fps = %.3g fps "
                + "(if no video reaches that rate, the highest rate found: see the data row).", s.windowFrames(), s.stride, s.stride, s.scale.targetFps(), wanted));
    }

    /** Rows: a training window, then the model's frames between its keyframes (keyframes copied). */
    @Override
    protected Path preview(NDManager m, VideoUNet net, Denoiser den, Data data, FirstStage firstStage) {
        int videos = Math.min(s.previewVideos, data.latents().size());
        int t = data.frames();
        Shape frame = data.latents().clipShape().slice(1);
        InterpolationPipeline p = new InterpolationPipeline(new OpenAIWrapper(net), den, s.windowKeyframes, s.stride, frame).progress(Progress.Mode.QUIET);
        List<List<RgbFrame>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int v = 0; v < videos; v++) {
            int clip = (int) ((long) v * data.latents().size() / videos);
            NDArray real = data.latents().scaledBatch(new int[] {clip}, m).reshape(new Shape(t).addAll(frame));
            NDArray keys = real.get(new ai.djl.ndarray.index.NDIndex("0:" + t + ":" + s.stride));
            NDArray z = p.latents(m, keys, s.windowKeyframes, new VideoLDMPipeline.Options("heun", s.previewSteps, s.seed + v), null);
            rows.add(VideoLDMPipeline.toFrames(firstStage.decode(real, t, t), t).get(0));
            labels.add("clip " + data.latents().clipId(clip));
            rows.add(VideoLDMPipeline.toFrames(firstStage.decode(z, t, t), t).get(0));
            labels.add("interpolated between frames 0, " + s.stride + ", " + 2 * s.stride + "...");
        }
        return StageRuns.writePreview(s, FrameGrid.image(rows, labels));
    }
}
