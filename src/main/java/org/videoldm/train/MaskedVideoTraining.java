package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.data.LatentDataset;
import org.videoldm.data.LatentEncoder;
import org.videoldm.data.VideoScan;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.FrameMask;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.UNetSurgery;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.temporal.TemporalParameters;

/**
 * The paper's mask-conditioned video models (Sec. 3.1.1 prediction, Sec. 3.1.2 interpolation), built from the
 * trained video LDM (or the image LDM): the input convolution is widened with zero weights for C masked latents
 * and one mask channel ({@link UNetSurgery#widenInput}), so training starts exactly from the parent's output; the
 * temporal layers and the input convolution {@code input_blocks.0.0} (which must learn to read the new channels)
 * are trained, every other spatial layer stays frozen. Subclasses choose the clips and the mask.
 */
public abstract class MaskedVideoTraining {
    /** Key prefix of the input convolution, trained along with the temporal layers. */
    public static final String INPUT_CONV = UNetSurgery.INPUT_CONV + ".";

    protected final LatentStageSettings settings;
    private String parent = "video_ldm";

    protected MaskedVideoTraining(LatentStageSettings settings) {
        this.settings = settings;
    }

    public LatentStageSettings settings() {
        return settings;
    }

    /** Name of the exported network and of the run folder. */
    public abstract String name();

    /** The clips this model trains on (frames per window, frame rate). */
    public abstract ClipOptions clipOptions(VideoScan.Result scan);

    /** Which videos of the folder qualify, for the clip dataset (e.g. a high enough frame rate). */
    protected boolean usable(org.videoldm.data.VideoInfo info, ClipOptions options) {
        return true;
    }

    /** The stage's mask hook. */
    protected abstract DiffusionStage.ConditioningHook maskHook();

    /** What the concatenated channels mean, stored as {@code videoldm.conditioning}. */
    protected abstract JsonObject conditioning(int latentChannels);

    /** Remarks for the model card. */
    protected List<String> notes() {
        return List.of();
    }

    /** Starts from {@code video_ldm} (default: its temporal layers too) or {@code image_ldm} (fresh temporal layers). */
    public MaskedVideoTraining parent(String networkName) {
        this.parent = networkName;
        return this;
    }

    public String parent() {
        return parent;
    }

    /** Whether a parameter trains in this stage: temporal layers and the widened input convolution. */
    public static boolean trains(String key) {
        return TemporalParameters.isTemporal(key) || key.startsWith(INPUT_CONV);
    }

    /** The network to train: the parent with C + 1 more input channels, trainable parameters switched on. */
    public VideoUNet network(NDManager m) {
        SavedNetwork p = SavedNetwork.load(settings.network(parent), m);
        VideoUNet net;
        if (p.module() instanceof VideoUNet v) {
            net = UNetSurgery.widenInput(m, v, FrameMask.extraChannels(v.config().out_channels()));
        } else {
            UNetModel image = p.module(UNetModel.class);
            UNetModel wide = UNetSurgery.widenInput(m, image, FrameMask.extraChannels(image.config().out_channels()));
            net = VideoUNet.fromImage(m, wide, settings.scale().videoUNet(wide.config()));
        }
        net.setTrainable(MaskedVideoTraining::trains);
        return net;
    }

    /** The autoencoder that encodes the training clips, with its latent scale factor. */
    protected LatentEncoder encoder(NDManager m) {
        Path file = settings.network("autoencoder");
        SavedNetwork ae = SavedNetwork.load(file, m);
        float scale = (float) ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(file + ": no " + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata"));
        try {
            return LatentClips.encoder(ae.module(AutoencoderKL.class), scale, "AutoencoderKL " + file.getFileName() + " (" + Files.size(file) + " bytes, scale factor " + scale + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The encoded training clips and the dataset they came from. */
    public record Data(LatentDataset latents, ClipDataset clips, ClipOptions options) implements AutoCloseable {
        @Override
        public void close() {
            latents.close();
        }
    }

    /** Scans the data folder and opens (first making) the latent cache of its training clips in the run folder. */
    public Data data(NDManager m) {
        Path dir = settings.dataDir();
        VideoScan.Result scan = LatentClips.scan(dir);
        ClipOptions options = clipOptions(scan);
        LatentClips.Source source = new LatentClips.Source(dir, options, getClass().getSimpleName() + " usable videos");
        ClipDataset clips = LatentClips.dataset(source, scan, info -> usable(info, options));
        LatentDataset latents = LatentClips.open(settings.runDir(name()).resolve("latents"), source, clips.train(), encoder(m), m);
        return new Data(latents, clips, options);
    }

    /** Latent clips [(b T), C, h, w] (scaled), the video layout with every frame treated as video, and the stage's mask. */
    public DiffusionStage stage(VideoUNet net, LatentDataset latents) {
        DataOrder order = new DataOrder(latents.size(), settings.seed());
        int frames = (int) latents.clipShape().get(0);
        int batch = settings.batch();
        return new DiffusionStage(new OpenAIWrapper(net), denoiser(), new DiffusionLoss(new EDMSampling(-1.2, 1.2), LossWeighting.edm(0.5)),
                ctx -> {
                    NDArray clips = latents.scaledBatch(order.batch(ctx.step(), ctx.micro(), 1, batch), ctx.manager());
                    Shape s = clips.getShape();
                    NDArray x = clips.reshape(s.get(0) * s.get(1), s.get(2), s.get(3), s.get(4));
                    Conditioning c = Conditioning.none().withVideo(frames, ctx.manager().zeros(new Shape(batch, frames)));
                    return new DiffusionStage.Batch(x, c, null);
                }, maskHook());
    }

    /** EDM preconditioning (sigma_data 0.5), as every toy model. */
    public static Denoiser denoiser() {
        return new Denoiser(new EDMScaling());
    }

    /** Trains (resuming a run folder's checkpoint), then exports the EMA weights with a model card. */
    public LatentStageResult run(TrainingListener listener) {
        Path runDir = settings.runDir(name());
        try (NDManager m = NDManager.newBaseManager()) {
            try (Data data = data(m)) {
                VideoUNet net = network(m);
                TrainerConfig cfg = settings.trainerConfig(runDir);
                try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage(net, data.latents()), cfg)) {
                    t.resumeIfExists();
                    if (t.step() < settings.steps()) {
                        t.run(settings.steps() - t.step(), listener);
                    }
                    if (t.ema() != null) {
                        t.ema().swapIn(net);
                    }
                    Path lossCsv = runDir.resolve("loss.csv");
                    ModelCard card = card(net, data, t.step(), lossCsv);
                    Path out = settings.network(name());
                    StageOutput.export(out, net, SavedNetwork.meta().denoiser(StageOutput.edmDenoiser()).scaleFactor(data.latents().scaleFactor())
                            .frames(data.options().frames()).conditioning(conditioning(net.config().out_channels())), card, settings.float16());
                    if (t.ema() != null) {
                        t.ema().swapOut(net);
                    }
                    return new LatentStageResult(out, out.resolveSibling(name() + ".md"), lossCsv, t.step(), card.finalLoss(), card.wallSeconds());
                }
            }
        }
    }

    private ModelCard card(VideoUNet net, Data data, long steps, Path lossCsv) {
        TemporalParameters.Report r = TemporalParameters.report(net);
        List<String> notes = new ArrayList<>(notes());
        notes.add("Built from `" + parent + "`: input convolution widened with zero weights for the masked latents and the mask; "
                + "trained: temporal layers and `" + UNetSurgery.INPUT_CONV + "`; all other spatial layers frozen.");
        notes.add("Exported weights: " + (settings.emaDecay() > 0 ? "EMA (decay " + settings.emaDecay() + ")" : "raw") + (settings.float16() ? ", float16" : ", float32") + ".");
        JsonObject training = settings.toCardJson();
        training.addProperty("sigma_sampling", "EDM p_mean -1.2, p_std 1.2");
        training.addProperty("loss_weighting", "EDM, sigma_data 0.5");
        return new ModelCard(name(), name(), StageOutput.data(settings.data(), data.clips(), data.latents().size(), data.options()),
                List.of(parent + ".safetensors", "autoencoder.safetensors"), net.videoConfig().toJson(), training, net.parameterCount(),
                r.trainableCount(), steps, settings.batch(), "clips", settings.seed(), StageOutput.wallSeconds(lossCsv), ModelCard.Machine.current(),
                StageOutput.finalLoss(lossCsv), null, notes);
    }
}
