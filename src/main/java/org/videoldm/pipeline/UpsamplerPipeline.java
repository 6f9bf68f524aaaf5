package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionNetwork;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.diffusion.NoiseAugmentation;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.SamplerCallback;
import org.videoldm.diffusion.SamplerStep;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.nn.Ops;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * Video super-resolution with a latent upsampler (paper Sec. 3.4): the latents of the high-resolution frames are
 * sampled conditioned on the low-resolution frames, noise-augmented to a level chosen here. The image upsampler
 * treats every frame on its own (independent noise, no temporal layers: detail flickers from frame to frame); the
 * temporally aligned upsampler generates windows of T frames jointly. Video i uses a seed derived from (seed, i).
 */
public final class UpsamplerPipeline {
    private final DiffusionNetwork network;
    private final Denoiser denoiser;
    private final ImageConcatWithNoiseAugmentation conditioning;
    private final int windowFrames;
    private final Shape latentFrame;
    private final int defaultNoiseLevel;
    private final int[] lowResolution;
    private Progress.Mode progress = Progress.Mode.AUTO;

    /**
     * @param windowFrames frames the video upsampler generates together (its clip length T), or 1 for the image
     *     upsampler, which then takes all frames of a video in one batch of independent images
     * @param latentFrame one high-resolution latent frame [C, H, W]
     * @param lowResolution the {height, width} of the low-resolution frames it was trained on (for callers that resize)
     */
    public UpsamplerPipeline(DiffusionNetwork network, Denoiser denoiser, ImageConcatWithNoiseAugmentation conditioning, int windowFrames,
            Shape latentFrame, int defaultNoiseLevel, int[] lowResolution) {
        if (windowFrames < 1) {
            throw new IllegalArgumentException("upsampler: window frames must be positive, got " + windowFrames);
        }
        this.network = network;
        this.denoiser = denoiser;
        this.conditioning = conditioning;
        this.windowFrames = windowFrames;
        this.latentFrame = latentFrame;
        this.defaultNoiseLevel = defaultNoiseLevel;
        this.lowResolution = lowResolution.clone();
    }

    /** {@code upsampler_video} (temporally aligned) or {@code upsampler_image} (per frame) of a checkpoints folder. */
    public static UpsamplerPipeline load(Path dir, NDManager m, boolean video) {
        SavedNetwork n = SavedNetwork.load(CheckpointFolder.of(dir).require(video ? CheckpointFolder.UPSAMPLER_VIDEO : CheckpointFolder.UPSAMPLER_IMAGE), m);
        UNetModel unet = video ? n.module(VideoUNet.class) : n.module(UNetModel.class);
        unet.setTrainable(k -> false);
        JsonObject c = n.conditioning();
        if (c == null || !c.has("vector") || !c.has("concat")) {
            throw new IllegalArgumentException(n.path() + ": its " + SavedNetwork.KEY_CONDITIONING + " metadata does not describe an upsampler");
        }
        JsonObject vector = c.getAsJsonObject("vector");
        JsonArray grid = c.getAsJsonObject("concat").getAsJsonArray("latent_grid");
        JsonArray low = c.getAsJsonObject("concat").getAsJsonArray("low_resolution");
        JsonObject concat = c.getAsJsonObject("concat");
        int unshuffle = concat.has("unshuffle") ? concat.get("unshuffle").getAsInt() : 1; // 1: networks trained on frames resized to the grid
        ImageConcatWithNoiseAugmentation cond = new ImageConcatWithNoiseAugmentation(
                NoiseAugmentation.sdUpscaler(vector.get("max_noise_level").getAsInt(), 0), grid.get(0).getAsLong(), grid.get(1).getAsLong(), unshuffle);
        int frames = video ? n.frames().orElseThrow(() -> new IllegalArgumentException(n.path() + ": no " + SavedNetwork.KEY_FRAMES)) : 1;
        return new UpsamplerPipeline(new OpenAIWrapper(unet), Denoisers.fromJson(n.denoiser()), cond, frames, LongVideoPipeline.latentFrame(n),
                vector.get("default_noise_level").getAsInt(), new int[] {low.get(0).getAsInt(), low.get(1).getAsInt()})
                .withScale(c.has("upscale") ? c.get("upscale").getAsInt() : 2, 1 << (unet.config().channel_mult().length - 1));
    }

    private int upscale = 2;
    private int unetDownsampling = 1;

    /** The side ratio of output to input, and how much the network's levels downsample its latent grid. */
    public UpsamplerPipeline withScale(int upscale, int unetDownsampling) {
        this.upscale = upscale;
        this.unetDownsampling = unetDownsampling;
        return this;
    }

    /** Output side / input side (2 for the toy upsamplers, 4 in the paper's driving cascade). */
    public int upscale() {
        return upscale;
    }

    /**
     * The upsampler is convolutional, so it takes other input sizes than it was trained on, if the latent grid they
     * give divides by the network's downsampling: input sides must be multiples of this {height, width}.
     */
    public int[] inputGranularity() {
        int[] g = new int[2];
        for (int i = 0; i < 2; i++) {
            // latent side = lat * L / low must be a whole multiple of the downsampling D: L a multiple of D low / gcd(D low, lat)
            long dl = (long) unetDownsampling * lowResolution[i];
            g[i] = (int) (dl / gcd(dl, latentFrame.get(1 + i)));
        }
        return g;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    public UpsamplerPipeline progress(Progress.Mode mode) {
        this.progress = mode;
        return this;
    }

    public boolean isVideo() {
        return windowFrames > 1;
    }

    public int windowFrames() {
        return windowFrames;
    }

    public Shape latentFrame() {
        return latentFrame;
    }

    /** The augmentation level used when none is chosen. */
    public int defaultNoiseLevel() {
        return defaultNoiseLevel;
    }

    public int maxNoiseLevel() {
        return conditioning.augmentation().maxNoiseLevel();
    }

    /** {height, width} of the low-resolution frames it was trained on. */
    public int[] lowResolution() {
        return lowResolution.clone();
    }

    /**
     * Scaled high-resolution latents [(b N), C, H, W] for b low-resolution videos [(b N), 3, h, w] in [-1, 1].
     * The video upsampler takes windows of T frames (the last one shorter); the image upsampler all frames of a video at once.
     *
     * @param noiseLevel the augmentation level of the low-resolution conditioning, in [0, max_noise_level)
     */
    public NDArray latents(NDManager m, NDArray lowRes, int frames, int noiseLevel, VideoLDMPipeline.Options o, SamplerCallback onStep) {
        Shape s = lowRes.getShape();
        if (s.dimension() != 4 || frames < 1 || s.get(0) % frames != 0) {
            throw new IllegalArgumentException("upsampler: low-resolution frames " + s + " are not whole videos of " + frames + " frames");
        }
        int[] g = inputGranularity();
        if (s.get(2) % g[0] != 0 || s.get(3) % g[1] != 0) {
            throw new IllegalArgumentException("upsampler: low-resolution frames of " + s.get(2) + "x" + s.get(3) + " do not fit its grid; their height must be a"
                    + " multiple of " + g[0] + " and their width of " + g[1]);
        }
        Shape latent = new Shape(latentFrame.get(0), latentFrame.get(1) * s.get(2) / lowResolution[0], latentFrame.get(2) * s.get(3) / lowResolution[1]);
        int videos = (int) (s.get(0) / frames);
        int step = isVideo() ? windowFrames : frames;
        int windows = (frames + step - 1) / step;
        long total = (long) videos * windows * o.steps();
        NDList out = new NDList();
        try (Progress bar = Progress.start("upsample", total, 0, progress)) {
            for (int v = 0; v < videos; v++) {
                long videoSeed = Seeds.derive(o.seed(), v);
                for (int start = 0, w = 0; start < frames; start += step, w++) {
                    int t = Math.min(step, frames - start);
                    long before = ((long) v * windows + w) * o.steps();
                    int video = v;
                    try (NDManager scope = m.newSubManager()) {
                        NDArray window = lowRes.get((long) v * frames + start + ":" + ((long) v * frames + start + t));
                        window.attach(scope);
                        NDArray x = window(scope, window, t, latent, noiseLevel, o, Seeds.derive(videoSeed, w), st -> {
                            bar.update(before + st.index() + 1, String.format(Locale.ROOT, "video %d/%d", video + 1, videos));
                            if (onStep != null) {
                                onStep.onStep(new SamplerStep((int) before + st.index(), (int) total, st.sigma(), st.nextSigma(), st.x(), st.denoised(),
                                        bar.throughput().iterationsPerSecond(), bar.throughput().etaSeconds()));
                            }
                        });
                        x.attach(m);
                        out.add(x);
                    }
                }
            }
        }
        return out.size() == 1 ? out.head() : Ops.cat(0, out.toArray(new NDArray[0]));
    }

    /** One window of t frames of one video: for the image model, t independent images. */
    private NDArray window(NDManager m, NDArray lowRes, int t, Shape latent, int level, VideoLDMPipeline.Options o, long seed, SamplerCallback onStep) {
        boolean video = isVideo();
        int[] levels = new int[video ? 1 : t];
        Arrays.fill(levels, level);
        Conditioning base = video ? Conditioning.none().withVideo(t, m.zeros(new Shape(1, t))) : Conditioning.none();
        long gridH = conditioning.conditionShape(1).get(2) * lowRes.getShape().get(2) / lowResolution[0];
        long gridW = conditioning.conditionShape(1).get(3) * lowRes.getShape().get(3) / lowResolution[1];
        NDArray noise = Seeds.normal(m, new Shape(t, conditioning.channels(), gridH, gridW), Seeds.derive(seed, 1));
        Conditioning c = conditioning.condition(base, lowRes, levels, noise, gridH, gridW);
        return Samplers.create(o.sampler(), o.steps(), null).progress(Progress.Mode.QUIET)
                .sample(denoiser.bind(network), m, new Shape(t).addAll(latent), c, null, seed, onStep);
    }
}
