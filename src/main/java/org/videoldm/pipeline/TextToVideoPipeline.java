package org.videoldm.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.DenoiseFunction;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.GeneralConditioner;
import org.videoldm.diffusion.OpenAIWrapper;
import org.videoldm.diffusion.VanillaCFG;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.nn.Ops;
import org.videoldm.util.Seeds;

/**
 * Text-to-video sampling with a text-conditioned video LDM (Video LDM, Sec. 4.2): prompts through the CLIP text encoder,
 * the video UNet sampled with classifier-free guidance against the negative prompt (the empty prompt in SD), then the
 * image decoder frame by frame. With {@code imagesOnly} every frame is marked an independent image
 * ({@code image_only_indicator} 1), which mixes the temporal layers out: the model then samples as its image LDM would,
 * frame by frame. Networks come from a checkpoint folder made by {@code ./videoldm t2v init} (and trained by
 * {@code train temporal --captions}); models with SD's discrete denoiser sample on SD's DDPM schedule.
 */
public final class TextToVideoPipeline {
    /**
     * @param sampler one of {@link Samplers#NAMES}
     * @param guidance classifier-free guidance scale (1: none)
     * @param seed video i starts from noise of seed derived from (seed, i)
     */
    public record Options(String sampler, int steps, double guidance, long seed, boolean imagesOnly) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("text-to-video: steps must be at least 1, got " + steps);
            }
            Samplers.create(sampler, 1, null);
        }
    }

    private final FirstStage firstStage;
    /** The video UNet, or an image UNet (a text-to-image model: its frames are independent images). */
    private final UNetModel video;
    private final JsonObject denoiserSpec;
    private final GeneralConditioner conditioner;
    private int trainedFrames = 1;

    public TextToVideoPipeline(FirstStage firstStage, UNetModel video, JsonObject denoiserSpec, FrozenCLIPEmbedder text) {
        if (video.config().context_dim() == null) {
            throw new IllegalArgumentException("text-to-video: the " + (video instanceof VideoUNet ? "video" : "image") + " LDM has no cross-attention "
                    + "context (an unconditional model)");
        }
        this.firstStage = firstStage;
        this.video = video;
        this.denoiserSpec = denoiserSpec;
        this.conditioner = new GeneralConditioner(text, 0, GeneralConditioner.EMPTY_PROMPT);
    }

    /** The folder's text encoder and tokenizer, frozen. */
    public static FrozenCLIPEmbedder loadTextEmbedder(Path dir, NDManager m) {
        CheckpointFolder f = CheckpointFolder.of(dir);
        CLIPTextModel text = SavedNetwork.load(f.require(CheckpointFolder.TEXT_ENCODER), m).module(CLIPTextModel.class);
        text.setTrainable(k -> false);
        return new FrozenCLIPEmbedder(CLIPTokenizer.fromDirectory(dir.resolve(CheckpointFolder.TOKENIZER_DIR)), text);
    }

    /**
     * Autoencoder, video LDM and text encoder of a checkpoint folder, frozen; a folder with a text-to-image LDM only (made by
     * {@code train image-ldm --captions}) gives its image LDM, whose frames are independent images.
     */
    public static TextToVideoPipeline load(Path dir, NDManager m) {
        CheckpointFolder f = CheckpointFolder.of(dir);
        SavedNetwork ae = SavedNetwork.load(f.require(CheckpointFolder.AUTOENCODER), m);
        SavedNetwork v = SavedNetwork.load(f.has(CheckpointFolder.VIDEO_LDM) || !f.has(CheckpointFolder.IMAGE_LDM) ? f.require(CheckpointFolder.VIDEO_LDM)
                : f.require(CheckpointFolder.IMAGE_LDM), m);
        double scale = ae.scaleFactor().orElseThrow(() -> new IllegalArgumentException(ae.path() + ": no " + SavedNetwork.KEY_SCALE_FACTOR + " in its metadata"));
        ae.module().setTrainable(k -> false);
        v.module().setTrainable(k -> false);
        TextToVideoPipeline p = new TextToVideoPipeline(new FirstStage(ae.module(AutoencoderKL.class), scale, ae.path().getFileName().toString()),
                v.module(UNetModel.class), v.denoiser(), loadTextEmbedder(dir, m));
        p.trainedFrames = v.frames().orElse(1);
        return p;
    }

    public FirstStage firstStage() {
        return firstStage;
    }

    /** Frames per clip the loaded network was trained on (1 for a text-to-image model; the default video length). */
    public int trainedFrames() {
        return trainedFrames;
    }

    /** True when the network has temporal layers (a video LDM), false for a text-to-image LDM. */
    public boolean isVideo() {
        return video instanceof VideoUNet;
    }

    public UNetModel network() {
        return video;
    }

    /** The sampler of these options on the model's schedule (SD's DDPM sigmas for a discrete denoiser). */
    public DiffusionSampler sampler(Options o) {
        return Samplers.create(o.sampler(), o.steps(), o.guidance() == 1 ? null : new VanillaCFG(o.guidance()),
                Denoisers.isDiscrete(denoiserSpec) ? Denoisers.discretization(denoiserSpec) : Samplers.edmSchedule());
    }

    /**
     * Scaled latents {@code [(b t), C, h, w]} of one video per prompt from the given standard normal {@code noise} of the
     * same shape ({@code frames} rows per prompt), in {@code m}.
     */
    public NDArray sample(NDManager m, List<String> prompts, String negativePrompt, NDArray noise, int frames, Options o) {
        if (noise.getShape().get(0) != (long) prompts.size() * frames) {
            throw new IllegalArgumentException("text-to-video: noise has " + noise.getShape().get(0) + " rows for " + prompts.size() + " videos of "
                    + frames + " frames");
        }
        Denoiser den = Denoisers.fromJson(denoiserSpec);
        DenoiseFunction f = den.bind(new OpenAIWrapper(video));
        DiffusionSampler sampler = sampler(o);
        NDList out = new NDList();
        for (int i = 0; i < prompts.size(); i++) {
            try (NDManager scope = m.newSubManager()) {
                Conditioning[] cu = conditioner.unconditionalConditioning(scope, List.of(prompts.get(i)), negativePrompt, frames);
                NDArray indicator = o.imagesOnly() ? scope.ones(new Shape(1, frames)) : scope.zeros(new Shape(1, frames));
                NDArray x0 = noise.get((i * frames) + ":" + ((i + 1) * frames));
                x0.attach(scope);
                NDArray x = sampler.sample(f, x0, cu[0].withVideo(frames, indicator), cu[1].withVideo(frames, indicator), Seeds.derive(o.seed(), i), null);
                x.attach(m);
                out.add(x);
            }
        }
        return out.size() == 1 ? out.head() : Ops.cat(0, out.toArray(new NDArray[0]));
    }

    /** One video of {@code frames} frames per prompt at {@code height} x {@code width} pixels, as uint8 frames. */
    public List<List<RgbFrame>> generate(NDManager m, List<String> prompts, String negativePrompt, int frames, int height, int width, Options o) {
        try (NDManager scope = m.newSubManager()) {
            AutoencoderKL ae = firstStage.autoencoder();
            int down = ae.ddconfig().downFactor();
            NDArray[] noise = new NDArray[prompts.size()];
            for (int i = 0; i < prompts.size(); i++) {
                noise[i] = Seeds.normal(scope, new Shape(frames, ae.embedDim(), height / down, width / down), Seeds.derive(Seeds.derive(o.seed(), i), -1));
            }
            NDArray z = sample(scope, prompts, negativePrompt, noise.length == 1 ? noise[0] : Ops.cat(0, noise), frames, o);
            return VideoTensors.toFrames(firstStage.decode(z, frames, frames), frames);
        }
    }
}
