package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.ImageConcatWithNoiseAugmentation;
import org.videoldm.diffusion.NoiseAugmentation;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.io.StateDict;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Module;
import org.videoldm.temporal.TemporalParameters;

/**
 * The paper's video upsampler (Sec. 3.4), in two stages. First an image upsampler as Stable Diffusion's x4 upscaler
 * is built: a latent UNet on the high-resolution frames' latents, conditioned by concatenation with the
 * low-resolution frames (half the frame size, resized to the latent grid, noise-augmented) and told the
 * augmentation level through a class embedding ({@link ImageConcatWithNoiseAugmentation}); trained per frame. By
 * default it starts from the image LDM (same latent space; the new input channels and the class embedding start
 * at zero, so it starts as the image LDM), all layers trained. Then its temporal alignment: a video UNet from it,
 * spatial layers frozen, temporal layers (initialised from the video LDM's when that exists, else fresh) trained
 * on clips with one augmentation level per clip: the temporally aligned upsampler.
 */
public final class UpsamplerTraining {
    public static final String IMAGE_NAME = "upsampler_image";
    public static final String VIDEO_NAME = "upsampler_video";
    /** The low-resolution input is this many times smaller than the output frames (32 x 64 -> 64 x 128 at toy scale). */
    public static final int UPSCALE = 2;
    /** SD x4 upscaler's maximum augmentation level. */
    public static final int MAX_NOISE_LEVEL = 350;
    /** The level used at inference unless another is chosen (SD's upscaler default). */
    public static final int DEFAULT_NOISE_LEVEL = 20;
    public static final long IMAGE_STEPS = 1000;
    public static final int IMAGE_BATCH = 8;
    public static final double IMAGE_LR = 2e-4;
    public static final long VIDEO_STEPS = 600;
    public static final int VIDEO_BATCH = 2;
    public static final double VIDEO_LR = 2e-4;

    private final LatentStageSettings image;
    private final LatentStageSettings video;
    private String imageParent = "image_ldm";
    private String temporalParent = "video_ldm";

    public UpsamplerTraining(LatentStageSettings image, LatentStageSettings video) {
        this.image = image;
        this.video = video;
    }

    public static LatentStageSettings imageDefaults() {
        return LatentStageSettings.of(IMAGE_STEPS, IMAGE_BATCH, IMAGE_LR);
    }

    public static LatentStageSettings videoDefaults() {
        return LatentStageSettings.of(VIDEO_STEPS, VIDEO_BATCH, VIDEO_LR);
    }

    /** The image upsampler starts from this network ({@code image_ldm}), or from scratch with null. */
    public UpsamplerTraining imageParent(String name) {
        this.imageParent = name;
        return this;
    }

    /** The temporal layers start from this video network's ({@code video_ldm}), or fresh with null. */
    public UpsamplerTraining temporalParent(String name) {
        this.temporalParent = name;
        return this;
    }

    public LatentStageSettings imageSettings() {
        return image;
    }

    public LatentStageSettings videoSettings() {
        return video;
    }

    /** The augmentation of both upsamplers: SD x4 upscaler's schedule, levels below 350, given as class labels. */
    public static NoiseAugmentation noiseAugmentation() {
        return NoiseAugmentation.sdUpscaler(MAX_NOISE_LEVEL, 0);
    }

    /** The image upsampler before training: from the parent (widened, class embedding added) or a fresh UNet. */
    public UNetModel imageNetwork(NDManager m) {
        UNetModel net;
        if (imageParent == null) {
            JsonObject c = image.scale().imageUNet(ImageConcatWithNoiseAugmentation.CHANNELS).toJson();
            c.addProperty("num_classes", Integer.toString(MAX_NOISE_LEVEL));
            net = new UNetModel(m, org.videoldm.model.UNetConfig.fromJson(c));
        } else {
            UNetModel parent = SavedNetwork.load(image.network(imageParent), m).module(UNetModel.class);
            net = UNetSurgery.addClassEmbedding(m, UNetSurgery.widenInput(m, parent, ImageConcatWithNoiseAugmentation.CHANNELS), MAX_NOISE_LEVEL);
        }
        net.setTrainable(k -> true);
        return net;
    }

    /** The video upsampler before training: spatial layers from the image upsampler (frozen), temporal layers from the temporal parent. */
    public VideoUNet videoNetwork(NDManager m, UNetModel imageUpsampler) {
        VideoUNet net = VideoUNet.fromImage(m, imageUpsampler, video.scale().videoUNet(imageUpsampler.config()));
        if (temporalParent != null && Files.isRegularFile(video.network(temporalParent))) {
            try (NDManager scratch = m.newSubManager()) {
                copyTemporal(SavedNetwork.load(video.network(temporalParent), scratch).module(VideoUNet.class), net);
            }
        }
        TemporalParameters.freezeSpatial(net);
        return net;
    }

    /** Copies every temporal parameter of {@code from} into the same key of {@code to}; both must have the same temporal layers. */
    static void copyTemporal(Module from, Module to) {
        Map<String, Parameter> target = to.namedParameters();
        for (Map.Entry<String, NDArray> e : from.stateDict().entrySet()) {
            if (TemporalParameters.isTemporal(e.getKey())) {
                Parameter p = target.get(e.getKey());
                if (p == null) {
                    throw new IllegalArgumentException("temporal layers do not correspond: " + e.getKey() + " has no place in the upsampler");
                }
                StateDict.assign(p.getArray(), e.getValue());
            }
        }
    }

    /** High-resolution latents and low-resolution conditioning of the same clips, clip for clip. */
    public record Data(LatentDataset latents, LatentDataset lowRes, ClipDataset clips, ClipOptions options) implements AutoCloseable {
        @Override
        public void close() {
            latents.close();
            lowRes.close();
        }
    }

    /** The base model's clips, encoded, and their low-resolution frames on the latent grid (caches in {@code runs/upsampler/}). */
    public Data data(NDManager m) {
        Path dir = image.dataDir();
        VideoScan.Result scan = LatentClips.scan(dir);
        ClipOptions options = image.clips();
        LatentClips.Source source = new LatentClips.Source(dir, options, "all");
        ClipDataset clips = LatentClips.dataset(source, scan, info -> true);
        Path run = image.runDir("upsampler");
        Path aeFile = image.network("autoencoder");
        SavedNetwork ae = SavedNetwork.load(aeFile, m);
        float scale = (float) ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(aeFile + ": no " + SavedNetwork.KEY_SCALE_FACTOR));
        String describe;
        try {
            describe = "AutoencoderKL " + aeFile.getFileName() + " (" + Files.size(aeFile) + " bytes, scale factor " + scale + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LatentDataset latents = LatentClips.open(run.resolve("latents"), source, clips.train(), LatentClips.encoder(ae.module(AutoencoderKL.class), scale, describe), m);
        int factor = (int) (options.height() / latents.clipShape().get(2));
        LatentDataset low = LatentClips.open(run.resolve("lowres"), source, clips.train(), LatentClips.lowResolution(factor), m);
        for (int i = 0; i < latents.size(); i++) {
            if (!latents.clipId(i).equals(low.clipId(i))) {
                throw new IllegalStateException(run + ": latent and low-resolution caches disagree at clip " + i + " (" + latents.clipId(i) + " vs " + low.clipId(i) + ")");
            }
        }
        return new Data(latents, low, clips, options);
    }

    /** Per-frame training: random frames of random clips, one augmentation level per frame. */
    public DiffusionStage imageStage(UNetModel net, Data data) {
        int frames = (int) data.latents().clipShape().get(0);
        DataOrder order = new DataOrder(data.latents().size() * frames, image.seed());
        int batch = image.batch();
        return new DiffusionStage(new OpenAIWrapper(net), MaskedVideoTraining.denoiser(), new DiffusionLoss(new EDMSampling(-1.2, 1.2), LossWeighting.edm(0.5)),
                ctx -> {
                    int[] pick = order.batch(ctx.step(), ctx.micro(), 1, batch);
                    int[] clip = new int[batch];
                    for (int i = 0; i < batch; i++) {
                        clip[i] = pick[i] / frames;
                    }
                    NDArray x = frameOf(data.latents().scaledBatch(clip, ctx.manager()), pick, frames);
                    NDArray low = frameOf(data.lowRes().batch(clip, ctx.manager()), pick, frames);
                    return new DiffusionStage.Batch(x, Conditioning.none(), low);
                }, DiffusionStage.noiseAugmentation(noiseAugmentation()));
    }

    private static NDArray frameOf(NDArray clips, int[] pick, int frames) {
        NDArray[] rows = new NDArray[pick.length];
        for (int i = 0; i < pick.length; i++) {
            rows[i] = clips.get(i + "," + (pick[i] % frames)).expandDims(0);
        }
        return org.videoldm.nn.Ops.cat(0, rows);
    }

    /** Clip training of the temporal layers: one augmentation level per clip. */
    public DiffusionStage videoStage(VideoUNet net, Data data) {
        int frames = (int) data.latents().clipShape().get(0);
        DataOrder order = new DataOrder(data.latents().size(), video.seed());
        int batch = video.batch();
        return new DiffusionStage(new OpenAIWrapper(net), MaskedVideoTraining.denoiser(), new DiffusionLoss(new EDMSampling(-1.2, 1.2), LossWeighting.edm(0.5)),
                ctx -> {
                    int[] idx = order.batch(ctx.step(), ctx.micro(), 1, batch);
                    NDArray x = flat(data.latents().scaledBatch(idx, ctx.manager()));
                    NDArray low = flat(data.lowRes().batch(idx, ctx.manager()));
                    return new DiffusionStage.Batch(x, Conditioning.none().withVideo(frames, ctx.manager().zeros(new Shape(batch, frames))), low);
                }, DiffusionStage.noiseAugmentation(noiseAugmentation()));
    }

    private static NDArray flat(NDArray clips) {
        Shape s = clips.getShape();
        return clips.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
    }

    /** What the concatenated and vector inputs mean, stored as {@code videoldm.conditioning}. */
    public static JsonObject conditioningJson(ClipOptions clips, Shape latentClip) {
        JsonObject concat = new JsonObject();
        concat.addProperty("channels", ImageConcatWithNoiseAugmentation.CHANNELS);
        concat.addProperty("content", "low-resolution RGB frames in [-1, 1], resized to the latent grid by area averaging, noise-augmented "
                + "(sqrt(abar_l) x + sqrt(1 - abar_l) eps); see ImageConcatWithNoiseAugmentation");
        concat.add("low_resolution", org.videoldm.io.Kwargs.array(clips.height() / UPSCALE, clips.width() / UPSCALE));
        concat.add("latent_grid", org.videoldm.io.Kwargs.array(latentClip.get(2), latentClip.get(3)));
        JsonObject vector = new JsonObject();
        vector.addProperty("content", "noise augmentation level l, the class label of label_emb");
        vector.addProperty("max_noise_level", MAX_NOISE_LEVEL);
        vector.addProperty("schedule", "DDPM, betas linear in sqrt from 1e-4 to 2e-2 over 1000 steps (SD x4 upscaler)");
        vector.addProperty("default_noise_level", DEFAULT_NOISE_LEVEL);
        JsonObject o = new JsonObject();
        o.addProperty("type", "upsampler");
        o.addProperty("upscale", UPSCALE);
        o.add("concat", concat);
        o.add("vector", vector);
        return o;
    }

    /** Both stages: the image upsampler, then its temporal alignment. */
    public List<LatentStageResult> run(TrainingListener listener) {
        return List.of(runImage(listener), runVideo(listener));
    }

    /** Trains (or resumes) the image upsampler and exports {@code upsampler_image}. */
    public LatentStageResult runImage(TrainingListener listener) {
        Path runDir = image.runDir(IMAGE_NAME);
        try (NDManager m = NDManager.newBaseManager(); Data data = data(m)) {
            UNetModel net = imageNetwork(m);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(imageStage(net, data), image.trainerConfig(runDir))) {
                return train(t, net, image, IMAGE_NAME, data, "frames", imageParent == null ? List.of("autoencoder.safetensors")
                        : List.of(imageParent + ".safetensors", "autoencoder.safetensors"), List.of(imageParent == null
                        ? "Trained from scratch, all layers."
                        : "Built from `" + imageParent + "`: input convolution widened with zero weights for the 3 low-resolution channels, "
                                + "class embedding for the noise level added with zero rows (so it starts as the image LDM); all layers trained.",
                        "One noise-augmentation level per frame, uniform in 0.." + (MAX_NOISE_LEVEL - 1) + "."), listener);
            }
        }
    }

    /** Temporally aligns the exported image upsampler and exports {@code upsampler_video}. */
    public LatentStageResult runVideo(TrainingListener listener) {
        Path runDir = video.runDir(VIDEO_NAME);
        try (NDManager m = NDManager.newBaseManager(); Data data = data(m)) {
            UNetModel imageUpsampler = SavedNetwork.load(video.network(IMAGE_NAME), m).module(UNetModel.class);
            VideoUNet net = videoNetwork(m, imageUpsampler);
            boolean warm = temporalParent != null && Files.isRegularFile(video.network(temporalParent));
            List<String> parents = new ArrayList<>(List.of(IMAGE_NAME + ".safetensors"));
            if (warm) {
                parents.add(temporalParent + ".safetensors");
            }
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(videoStage(net, data), video.trainerConfig(runDir))) {
                return train(t, net, video, VIDEO_NAME, data, "clips", parents, List.of("Spatial layers from `" + IMAGE_NAME + "`, frozen; temporal layers "
                        + (warm ? "initialised from `" + temporalParent + "`" : "freshly initialised") + ", trained.",
                        "One noise-augmentation level per clip, shared by its frames, uniform in 0.." + (MAX_NOISE_LEVEL - 1) + "."), listener);
            }
        }
    }

    private LatentStageResult train(Trainer<DiffusionStage.Batch> t, UNetModel net, LatentStageSettings s, String name, Data data, String unit,
            List<String> parents, List<String> notes, TrainingListener listener) {
        t.resumeIfExists();
        if (t.step() < s.steps()) {
            t.run(s.steps() - t.step(), listener);
        }
        if (t.ema() != null) {
            t.ema().swapIn(net);
        }
        Path lossCsv = s.runDir(name).resolve("loss.csv");
        List<String> n = new ArrayList<>(notes);
        n.add("Exported weights: " + (s.emaDecay() > 0 ? "EMA (decay " + s.emaDecay() + ")" : "raw") + (s.float16() ? ", float16" : ", float32") + ".");
        JsonObject training = s.toCardJson();
        training.addProperty("sigma_sampling", "EDM p_mean -1.2, p_std 1.2");
        training.addProperty("loss_weighting", "EDM, sigma_data 0.5");
        JsonObject config = net instanceof VideoUNet v ? v.videoConfig().toJson() : net.config().toJson();
        ModelCard card = new ModelCard(name, name, StageOutput.data(s.data(), data.clips(), data.latents().size(), data.options()), parents, config,
                training, net.parameterCount(), TemporalParameters.report(net).trainableCount(), t.step(), s.batch(), unit, s.seed(),
                StageOutput.wallSeconds(lossCsv), ModelCard.Machine.current(), StageOutput.finalLoss(lossCsv), null, n);
        Path out = s.network(name);
        SavedNetwork.Meta meta = SavedNetwork.meta().denoiser(StageOutput.edmDenoiser()).scaleFactor(data.latents().scaleFactor())
                .conditioning(conditioningJson(data.options(), data.latents().clipShape()));
        if (net instanceof VideoUNet) {
            meta.frames(data.options().frames());
        }
        StageOutput.export(out, net, meta, card, s.float16());
        if (t.ema() != null) {
            t.ema().swapOut(net);
        }
        return new LatentStageResult(out, out.resolveSibling(name + ".md"), lossCsv, t.step(), card.finalLoss(), card.wallSeconds());
    }
}
