package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.DenoiseFunction;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.diffusion.SamplerStep;
import org.videoldm.diffusion.VanillaCFG;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * Video LDM's sampling pipeline on the networks of a checkpoints folder: the image LDM sampling every frame on its
 * own (the paper's "image LDM per frame" baseline) or the video LDM sampling whole clips (image LDM + temporal
 * layers), then decoding with the image decoder frame by frame or with the fine-tuned temporal decoder a chunk of
 * frames at a time. Results are uint8 frames for {@code data.Mp4Writer}, {@code GifWriter}, {@code FrameGrid} and
 * {@code notebook.VideoHtml}.
 *
 * <p>Each video starts from noise of its own seed derived from (seed, video index), and several videos share each network
 * call ({@link Options#batch()}); with a deterministic sampler video i is the same whether one or ten are asked for,
 * at any batch size. Our toy models are unconditional: guidance does not apply to them.
 */
public final class VideoLDMPipeline {
    /** Which decoder turns latents into frames. */
    public enum DecoderChoice {
        /** The fine-tuned temporal decoder ({@code video_decoder}). */
        TEMPORAL,
        /** The image autoencoder's decoder, frame by frame. */
        IMAGE;

        public static DecoderChoice parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "temporal", "video" -> TEMPORAL;
                case "image", "frame" -> IMAGE;
                default -> throw new IllegalArgumentException("decoder must be temporal or image, got '" + s + "'");
            };
        }
    }

    /**
     * How to sample.
     *
     * @param sampler one of {@link Samplers#NAMES}
     * @param steps sampler steps
     * @param seed base seed; video i starts from noise derived from (seed, i)
     * @param batch videos per network call; 0 chooses by memory ({@link SamplingBatch})
     */
    public record Options(String sampler, int steps, long seed, int batch) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("sampling: steps must be at least 1, got " + steps);
            }
            if (batch < 0) {
                throw new IllegalArgumentException("sampling: batch must be 0 (by memory) or positive, got " + batch);
            }
            Samplers.create(sampler, 1, null);
        }

        public Options(String sampler, int steps, long seed) {
            this(sampler, steps, seed, 0);
        }

        /** Heun, 30 steps, seed 0, batch by memory. */
        public static Options defaults() {
            return new Options("heun", 30, 0, 0);
        }

        public Options withSampler(String s) {
            return new Options(s, steps, seed, batch);
        }

        public Options withSteps(int n) {
            return new Options(sampler, n, seed, batch);
        }

        public Options withSeed(long s) {
            return new Options(sampler, steps, s, batch);
        }

        public Options withBatch(int b) {
            return new Options(sampler, steps, seed, b);
        }
    }

    /**
     * Label conditioning of a label-conditioned LDM ({@code num_classes: sequential}): the vector every video is
     * conditioned on (its {@code y}), and the classifier-free guidance scale against the unconditional all-zero vector
     * (1: no guidance, a single network call).
     */
    public record Labels(float[] vector, double guidance) {
        public Labels {
            if (!(guidance >= 1)) {
                throw new IllegalArgumentException("label guidance scale must be at least 1, got " + guidance);
            }
        }
    }

    private final FirstStage imageFirstStage;
    private final FirstStage temporalFirstStage;
    private final UNetModel imageLdm;
    private final Denoiser imageDenoiser;
    private final VideoUNet videoLdm;
    private final Denoiser videoDenoiser;
    private final int trainedFrames;
    private Progress.Mode progress = Progress.Mode.AUTO;

    /**
     * From networks in memory (any of the samplers / decoders may be null if not needed).
     *
     * @param trainedFrames frames per clip the video LDM was trained on (the default video length)
     */
    public VideoLDMPipeline(FirstStage imageFirstStage, FirstStage temporalFirstStage, UNetModel imageLdm, Denoiser imageDenoiser,
            VideoUNet videoLdm, Denoiser videoDenoiser, int trainedFrames) {
        if (imageFirstStage == null) {
            throw new IllegalArgumentException("pipeline: the image autoencoder is required");
        }
        this.imageFirstStage = imageFirstStage;
        this.temporalFirstStage = temporalFirstStage;
        this.imageLdm = imageLdm;
        this.imageDenoiser = imageDenoiser;
        this.videoLdm = videoLdm;
        this.videoDenoiser = videoDenoiser;
        this.trainedFrames = trainedFrames;
    }

    /**
     * Loads {@code autoencoder} (required) and whichever of {@code image_ldm}, {@code video_ldm} and
     * {@code video_decoder} the folder has; methods needing a missing one say which file to make.
     */
    public static VideoLDMPipeline load(Path dir, NDManager m) {
        CheckpointFolder f = CheckpointFolder.of(dir);
        SavedNetwork ae = SavedNetwork.load(f.require(CheckpointFolder.AUTOENCODER), m);
        double scale = requireScale(ae);
        FirstStage image = new FirstStage(ae.module(AutoencoderKL.class), scale, ae.path().getFileName().toString());
        FirstStage temporal = null;
        if (f.has(CheckpointFolder.VIDEO_DECODER)) {
            SavedNetwork vd = SavedNetwork.load(f.network(CheckpointFolder.VIDEO_DECODER), m);
            temporal = new FirstStage(vd.module(AutoencoderKL.class), vd.scaleFactor().orElse(scale), vd.path().getFileName().toString());
        }
        UNetModel imageLdm = null;
        Denoiser imageDen = null;
        if (f.has(CheckpointFolder.IMAGE_LDM)) {
            SavedNetwork n = SavedNetwork.load(f.network(CheckpointFolder.IMAGE_LDM), m);
            imageLdm = n.module(UNetModel.class);
            imageDen = Denoisers.fromJson(n.denoiser());
        }
        VideoUNet videoLdm = null;
        Denoiser videoDen = null;
        int frames = 8;
        if (f.has(CheckpointFolder.VIDEO_LDM)) {
            SavedNetwork n = SavedNetwork.load(f.network(CheckpointFolder.VIDEO_LDM), m);
            videoLdm = n.module(VideoUNet.class);
            videoDen = Denoisers.fromJson(n.denoiser());
            frames = n.frames().orElse(frames);
        }
        for (UNetModel u : new UNetModel[] {imageLdm, videoLdm}) {
            if (u != null) {
                u.setTrainable(k -> false);
            }
        }
        ae.module().setTrainable(k -> false);
        if (temporal != null) {
            temporal.autoencoder().setTrainable(k -> false);
        }
        return new VideoLDMPipeline(image, temporal, imageLdm, imageDen, videoLdm, videoDen, frames);
    }

    private static double requireScale(SavedNetwork ae) {
        return ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(ae.path() + ": no " + SavedNetwork.KEY_SCALE_FACTOR
                + " in its metadata; the diffusion models need the latent scale factor the autoencoder stage measures"));
    }

    /** Progress of sampling and decoding (AUTO: a bar on a terminal, sparse lines elsewhere). */
    public VideoLDMPipeline progress(Progress.Mode mode) {
        this.progress = mode;
        return this;
    }

    /** Frames per clip the video LDM was trained on. */
    public int trainedFrames() {
        return trainedFrames;
    }

    public boolean hasTemporalDecoder() {
        return temporalFirstStage != null;
    }

    public FirstStage imageFirstStage() {
        return imageFirstStage;
    }

    public FirstStage temporalFirstStage() {
        return temporalFirstStage;
    }

    public UNetModel imageLdm() {
        return imageLdm;
    }

    public VideoUNet videoLdm() {
        return videoLdm;
    }

    /** Latent shape of one frame [C, h, w] (from the image autoencoder's configuration). */
    public Shape latentShape(int height, int width) {
        AutoencoderKL ae = imageFirstStage.autoencoder();
        int f = ae.ddconfig().downFactor();
        return new Shape(ae.embedDim(), height / f, width / f);
    }

    /**
     * The "image LDM per frame" baseline: every frame of every video an independent image sample, scaled latents
     * {@code [(videos frames), C, h, w]}.
     */
    public NDArray sampleImageFrames(NDManager m, int videos, int frames, Shape latent, Options o, SamplerCallback callback) {
        return sampleImageFrames(m, videos, frames, latent, o, callback, null);
    }

    /** As above; a label-conditioned image LDM sees {@code labels} (null: the unconditional zero vector, no guidance). */
    public NDArray sampleImageFrames(NDManager m, int videos, int frames, Shape latent, Options o, SamplerCallback callback, Labels labels) {
        if (imageLdm == null) {
            throw new CheckpointFolder.MissingCheckpointException(CheckpointFolder.IMAGE_LDM, null,
                    "the image LDM is not loaded: image_ldm.safetensors is missing (run notebook 01 or `./videoldm train image-ldm`)");
        }
        DenoiseFunction f = imageDenoiser.bind(new OpenAIWrapper(imageLdm));
        return sampleVideos(m, videos, frames, latent, o, callback, f, Conditioning.none(), "image LDM", imageLdm, labels);
    }

    /** Video LDM samples: {@code videos} clips of {@code frames} frames, scaled latents {@code [(videos frames), C, h, w]}. */
    public NDArray sampleVideo(NDManager m, int videos, int frames, Shape latent, Options o, SamplerCallback callback) {
        return sampleVideo(m, videos, frames, latent, o, callback, null);
    }

    /** As above; a label-conditioned video LDM sees {@code labels} (null: the unconditional zero vector, no guidance). */
    public NDArray sampleVideo(NDManager m, int videos, int frames, Shape latent, Options o, SamplerCallback callback, Labels labels) {
        if (videoLdm == null) {
            throw new CheckpointFolder.MissingCheckpointException(CheckpointFolder.VIDEO_LDM, null,
                    "the video LDM is not loaded: video_ldm.safetensors is missing (run notebook 02 or `./videoldm train temporal`)");
        }
        DenoiseFunction f = videoDenoiser.bind(new OpenAIWrapper(videoLdm));
        return sampleVideos(m, videos, frames, latent, o, callback, f, null, "video LDM", videoLdm, labels);
    }

    private NDArray sampleVideos(NDManager m, int videos, int frames, Shape latent, Options o, SamplerCallback callback, DenoiseFunction f,
            Conditioning imageCond, String what, UNetModel net, Labels labels) {
        Integer adm = net.config().num_classes() == null ? null : net.config().adm_in_channels();
        if (labels != null && adm == null) {
            throw new IllegalArgumentException("sampling: the " + what + " is not label-conditioned (no num_classes), so labels do not apply");
        }
        if (labels != null && labels.vector().length != adm) {
            throw new IllegalArgumentException("sampling: a label vector of " + labels.vector().length + " for a " + what + " with adm_in_channels " + adm);
        }
        boolean guided = labels != null && labels.guidance() != 1;
        if (videos < 1 || frames < 1) {
            throw new IllegalArgumentException("sampling: need at least one video of one frame, got " + videos + " x " + frames);
        }
        int batch = o.batch() > 0 ? Math.min(o.batch(), videos) : SamplingBatch.choose(videos, frames, latent, modelChannels());
        DiffusionSampler sampler = Samplers.create(o.sampler(), o.steps(), guided ? new VanillaCFG(labels.guidance()) : null).progress(Progress.Mode.QUIET);
        NDList out = new NDList();
        int calls = (videos + batch - 1) / batch;
        try (Progress bar = Progress.start("sample " + what, (long) calls * o.steps(), 0, progress)) {
            for (int first = 0; first < videos; first += batch) {
                int count = Math.min(batch, videos - first);
                int call = first / batch;
                String label = count == 1 ? "video " + (first + 1) + "/" + videos
                        : "videos " + (first + 1) + "-" + (first + count) + "/" + videos;
                try (NDManager scope = m.newSubManager()) {
                    Conditioning cond = imageCond != null ? imageCond
                            : Conditioning.none().withVideo(frames, scope.zeros(new Shape(count, frames)));
                    Conditioning uc = null;
                    if (adm != null) {
                        // one vector row per frame; the unconditional branch is the all-zero vector the labels were dropped to
                        NDArray zero = scope.zeros(new Shape((long) count * frames, adm));
                        NDArray y = labels == null ? zero : scope.create(labels.vector(), new Shape(1, adm)).repeat(0, (long) count * frames);
                        uc = guided ? cond.withVector(zero) : null;
                        cond = cond.withVector(y);
                    }
                    NDArray noise = initialNoise(scope, first, count, frames, latent, o.seed());
                    // In-loop noise (stochastic samplers) follows the call's first video, so batch 1 reproduces the unbatched runs.
                    NDArray x = sampler.sample(f, noise, cond, uc, Seeds.derive(o.seed(), first), step -> {
                        bar.update((long) call * o.steps() + step.index() + 1,
                                String.format(Locale.ROOT, "%s sigma %.3g", label, step.nextSigma()));
                        if (callback != null) {
                            callback.onStep(new SamplerStep(call * o.steps() + step.index(), calls * o.steps(), step.sigma(), step.nextSigma(),
                                    step.x(), step.denoised(), bar.throughput().iterationsPerSecond(), bar.throughput().etaSeconds()));
                        }
                    });
                    x.attach(m);
                    out.add(x);
                }
            }
        }
        return out.size() == 1 ? out.head() : Ops.cat(0, out.toArray(new NDArray[0]));
    }

    /** Each video's starting noise from its own seed, so video i is the same at any batch size. */
    private static NDArray initialNoise(NDManager m, int first, int count, int frames, Shape latent, long seed) {
        long[] dims = new long[latent.dimension() + 1];
        dims[0] = frames;
        System.arraycopy(latent.getShape(), 0, dims, 1, latent.dimension());
        NDArray[] parts = new NDArray[count];
        for (int i = 0; i < count; i++) {
            parts[i] = Seeds.normal(m, new Shape(dims), Seeds.derive(Seeds.derive(seed, first + i), -1));
        }
        return count == 1 ? parts[0] : Ops.cat(0, parts);
    }

    private int modelChannels() {
        return videoLdm != null ? videoLdm.config().model_channels() : imageLdm.config().model_channels();
    }

    /**
     * Scaled latents of videos with {@code frames} frames to pixels {@code [(b t), 3, H, W]}: with the temporal decoder
     * {@code chunk} frames at a time, or with the image decoder frame by frame.
     */
    public NDArray decode(NDArray latents, int frames, DecoderChoice decoder, int chunk, IntConsumer progressFrames) {
        FirstStage fs = firstStage(decoder);
        long total = latents.getShape().get(0);
        try (Progress bar = Progress.start("decode", total, 0, progress)) {
            return fs.decode(latents, frames, chunk, done -> {
                bar.update(done, null);
                if (progressFrames != null) {
                    progressFrames.accept(done);
                }
            });
        }
    }

    private FirstStage firstStage(DecoderChoice decoder) {
        if (decoder == DecoderChoice.IMAGE) {
            return imageFirstStage;
        }
        if (temporalFirstStage == null) {
            throw new CheckpointFolder.MissingCheckpointException(CheckpointFolder.VIDEO_DECODER, null,
                    "the temporal decoder is not loaded: video_decoder.safetensors is missing (run notebook 03 or `./videoldm train decoder`), "
                            + "or decode with the image decoder");
        }
        return temporalFirstStage;
    }

    /** Pixels {@code [(b t), 3, H, W]} in [-1, 1] to uint8 frames, one list per video. */
    public static List<List<RgbFrame>> toFrames(NDArray pixels, int frames) {
        return VideoTensors.toFrames(pixels, frames);
    }

    /** Which sampler a generation uses. */
    public enum Model { VIDEO_LDM, IMAGE_LDM_PER_FRAME }

    /** Samples, decodes and converts in one call (the notebooks' and {@code generate}'s path). */
    public List<List<RgbFrame>> generate(NDManager m, Model model, int videos, int frames, int height, int width, Options o, DecoderChoice decoder,
            int chunk, SamplerCallback callback) {
        try (NDManager scope = m.newSubManager()) {
            Shape latent = latentShape(height, width);
            NDArray z = model == Model.VIDEO_LDM ? sampleVideo(scope, videos, frames, latent, o, callback)
                    : sampleImageFrames(scope, videos, frames, latent, o, callback);
            return toFrames(decode(z, frames, decoder, chunk, null), frames);
        }
    }
}
