package org.videoldm.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.StateDict;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.StableDiffusionCheckpoint;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.model.VideoUNetConfig;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.util.AtomicFiles;
import org.videoldm.util.FileHash;

/**
 * The paper's text-to-video model from a Stable Diffusion 1.x checkpoint (Video LDM, Sec. 4.2): SD's UNet becomes the
 * spatial layers of a {@link VideoUNet} with fresh temporal layers ({@link VideoUNet#fromImage}), next to SD's autoencoder
 * and CLIP text encoder. All configs come from the checkpoint's tensor shapes ({@link StableDiffusionCheckpoint}).
 * Written as a checkpoint folder: {@code autoencoder}, {@code image_ldm} (SD's UNet: the parent of {@code train temporal}
 * and the per-frame baseline), {@code video_ldm}, {@code text_encoder} (each {@code .safetensors} with a card
 * {@code .md}) and the tokenizer's files in {@code tokenizer/}.
 */
public final class TextToVideoInit {
    /** SD 1.x's latent scale factor (not stored in its checkpoints). */
    public static final double SD_SCALE_FACTOR = 0.18215;

    private TextToVideoInit() {}

    /**
     * @param heads head counts where the defaults do not hold (heads do not show in the weights)
     * @param frameSize {height, width} recorded as the autoencoder's frame size
     * @param frames frames per video recorded for the video LDM
     * @param seed initialisation of the temporal layers
     */
    public record Options(StableDiffusionCheckpoint.Heads heads, int[] frameSize, int frames, long seed, boolean float16) {}

    /** What was written and inferred. */
    public record Result(Path dir, StableDiffusionCheckpoint.Configs configs, long imageParameters, long videoParameters) {}

    public static Result run(Path sdCheckpoint, Path tokenizerDir, Path out, Options o) {
        StableDiffusionCheckpoint.Configs cfg = StableDiffusionCheckpoint.infer(sdCheckpoint, o.heads());
        CLIPTokenizer.fromDirectory(tokenizerDir); // fails early, naming the folder, if the tokenizer is not there
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create: " + e.getMessage(), e);
        }
        CheckpointFolder folder = CheckpointFolder.of(out);
        String source = sdCheckpoint.getFileName() + " (sha256 " + FileHash.sha256(sdCheckpoint) + ")";
        JsonObject denoiser = Denoisers.legacyDDPM();
        long imageParams;
        long videoParams;
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(sdCheckpoint)) {
            try (NDManager scope = m.newSubManager()) {
                AutoencoderKL ae = AutoencoderKL.fromJson(scope, cfg.firstStage());
                StateDict.load(ae, firstStageTensors(f, scope), sdCheckpoint + " (prefix '" + StableDiffusionCheckpoint.FIRST_STAGE_PREFIX + "')");
                save(folder, CheckpointFolder.AUTOENCODER, ae, SavedNetwork.meta().scaleFactor(SD_SCALE_FACTOR).frameSize(o.frameSize()[0], o.frameSize()[1]),
                        o.float16(), "SD 1.x first stage (KL autoencoder), scale factor " + SD_SCALE_FACTOR, source, cfg.firstStage(), cfg.assumptions());
            }
            try (NDManager scope = m.newSubManager()) {
                CLIPTextModel text = new CLIPTextModel(scope, cfg.text());
                Map<String, NDArray> t = CLIPWeights.read(sdCheckpoint, StableDiffusionCheckpoint.TEXT_PREFIX, scope);
                CLIPWeights.load(text, StableDiffusionCheckpoint.rekeyed(t), sdCheckpoint + " (prefix '" + StableDiffusionCheckpoint.TEXT_PREFIX + "')");
                save(folder, CheckpointFolder.TEXT_ENCODER, text, SavedNetwork.meta(), o.float16(),
                        "SD 1.x text conditioning (FrozenCLIPEmbedder): CLIP text encoder, last hidden state", source, cfg.text().toJson(), cfg.assumptions());
            }
            try (NDManager scope = m.newSubManager()) {
                UNetModel image = new UNetModel(scope, UNetConfig.fromJson(cfg.unet()));
                StateDict.load(image, f, StableDiffusionCheckpoint.UNET_PREFIX);
                imageParams = image.parameterCount();
                save(folder, CheckpointFolder.IMAGE_LDM, image, SavedNetwork.meta().denoiser(denoiser).scaleFactor(SD_SCALE_FACTOR), o.float16(),
                        "SD 1.x UNet (the image LDM), text-conditioned by cross-attention", source, cfg.unet(), cfg.assumptions());
                Engine.getInstance().setRandomSeed((int) o.seed());
                VideoUNet video = VideoUNet.fromImage(scope, image, VideoUNetConfig.videoLDM(image.config()));
                videoParams = video.parameterCount();
                save(folder, CheckpointFolder.VIDEO_LDM, video, SavedNetwork.meta().denoiser(denoiser).scaleFactor(SD_SCALE_FACTOR).frames(o.frames())
                        .conditioning(textConditioning()), o.float16(),
                        "Video LDM: the SD UNet's layers (frozen in temporal alignment) with new temporal layers (seed " + o.seed() + "), untrained",
                        source, video.videoConfig().toJson(), cfg.assumptions());
            }
        }
        copyTokenizer(tokenizerDir, out.resolve(CheckpointFolder.TOKENIZER_DIR));
        return new Result(out, cfg, imageParams, videoParams);
    }

    /** What the video LDM's {@code crossattn} is, for its metadata. */
    public static JsonObject textConditioning() {
        JsonObject c = new JsonObject();
        c.addProperty("crossattn", "CLIP text encoder last hidden state (" + CheckpointFolder.TEXT_ENCODER + ".safetensors, tokenizer/)");
        return c;
    }

    /** The autoencoder's tensors (encoder, decoder, quant convs); a training loss stored beside them is left out. */
    private static Map<String, NDArray> firstStageTensors(SafetensorsFile f, NDManager m) {
        String p = StableDiffusionCheckpoint.FIRST_STAGE_PREFIX;
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String k : f.keys()) {
            if (k.startsWith(p) && !k.startsWith(p + "loss.")) {
                out.put(k.substring(p.length()), f.get(k, m));
            }
        }
        return out;
    }

    private static void save(CheckpointFolder folder, String name, org.videoldm.nn.Module module, SavedNetwork.Meta meta, boolean float16, String what,
            String source, JsonObject config, List<String> assumptions) {
        SavedNetwork.save(folder.network(name), module, meta, float16);
        StringBuilder card = new StringBuilder();
        card.append("# ").append(name).append("\n\n").append(what).append(".\n\n");
        card.append("- made by: `./videoldm t2v init` from ").append(source).append('\n');
        card.append(String.format(Locale.ROOT, "- parameters: %,d%n", module.parameterCount()));
        card.append("- weights: ").append(float16 ? "float16" : "float32").append('\n');
        card.append("- config (inferred from the tensor shapes): `").append(config).append("`\n");
        card.append("\nAssumed, not read from the weights:\n\n");
        assumptions.forEach(a -> card.append("- ").append(a).append('\n'));
        try {
            Path tmp = AtomicFiles.temp(folder.dir(), "." + name, ".md");
            Files.writeString(tmp, card.toString());
            Files.move(tmp, folder.card(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(folder.card(name) + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void copyTokenizer(Path from, Path to) {
        try {
            Files.createDirectories(to);
            for (String file : new String[] {"vocab.json", "merges.txt", "tokenizer.json"}) {
                if (Files.isRegularFile(from.resolve(file)) && !from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
                    Path tmp = AtomicFiles.temp(to, "." + file, ".tmp");
                    Files.copy(from.resolve(file), tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, to.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(to + ": cannot copy the tokenizer from " + from + ": " + e.getMessage(), e);
        }
    }
}
