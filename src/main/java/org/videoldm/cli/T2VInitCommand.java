package org.videoldm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.model.StableDiffusionCheckpoint;
import org.videoldm.pipeline.TextToVideoInit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code videoldm t2v init}: an SD 1.x checkpoint becomes a checkpoint folder with a text-to-video LDM. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Build a text-to-video model from a Stable Diffusion 1.x single-file checkpoint (safetensors; .ckpt pickles are refused "
                + "with a conversion command): SD's UNet with new temporal layers (video_ldm), SD's UNet alone (image_ldm), its autoencoder and "
                + "CLIP text encoder, and the tokenizer, written to --out with a card per network.",
                "Every config is inferred from the tensor shapes; attention heads do not show in them and default to SD 1.x's "
                + "(8 heads when the context is 768 wide, else 64-channel heads; CLIP width / 64) unless given."})
public final class T2VInitCommand implements Callable<Integer> {
    @Option(names = "--sd-checkpoint", required = true, paramLabel = "FILE", description = "SD 1.x checkpoint (.safetensors): UNet under "
            + "model.diffusion_model., VAE under first_stage_model., text encoder under cond_stage_model.transformer.")
    Path checkpoint;

    @Option(names = "--tokenizer", required = true, paramLabel = "DIR", description = "The text encoder's CLIP tokenizer: a folder with vocab.json "
            + "and merges.txt (or tokenizer.json), e.g. those of openai/clip-vit-large-patch14 for SD 1.x. Copied into --out.")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint folder to write (created if missing).")
    Path out;

    @Option(names = "--num-heads", description = "UNet attention heads (instead of the assumed head layout).")
    Integer numHeads;

    @Option(names = "--num-head-channels", description = "UNet channels per attention head (instead of the assumed head layout).")
    Integer numHeadChannels;

    @Option(names = "--text-heads", description = "Text encoder attention heads (default: width / 64).")
    Integer textHeads;

    @Option(names = "--size", defaultValue = "512x512", paramLabel = "HxW", converter = ClipSize.Converter.class, description = "Frame size recorded for the autoencoder (default ${DEFAULT-VALUE}, SD 1.x's).")
    ClipSize size;

    @Option(names = "--frames", defaultValue = "8", description = "Frames per video recorded for the video LDM (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the new temporal layers (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--float32", description = "Write float32 weights instead of float16.")
    boolean float32;

    @Override
    public Integer call() {
        int[] hw = {size.height(), size.width()};
        TextToVideoInit.Result r = TextToVideoInit.run(checkpoint, tokenizer, out, new TextToVideoInit.Options(
                new StableDiffusionCheckpoint.Heads(numHeads, numHeadChannels, textHeads), hw, frames, seed, !float32));
        System.out.println("unet: " + r.configs().unet());
        System.out.println("first stage: " + r.configs().firstStage());
        System.out.println("text encoder: " + r.configs().text().toJson());
        r.configs().assumptions().forEach(a -> System.out.println("assumed: " + a));
        System.out.printf(Locale.ROOT, "wrote %s: image_ldm %,d parameters, video_ldm %,d (temporal layers untrained), autoencoder, text_encoder, tokenizer/%n",
                r.dir(), r.imageParameters(), r.videoParameters());
        return 0;
    }
}
