package org.videoldm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.ClipTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "clip", mixinStandardHelpOptions = true, description = {
    "Train a toy CLIP (text transformer + ViT, transformers' CLIPModel layout) contrastively on (frame, caption) pairs of the training clips, "
            + "with a BPE tokenizer learnt from the captions. Prints held-out zero-shot accuracies (time of day, weather, traffic) and writes "
            + "clip_toy/ (for CLIPSIM-toy: eval --clip DIR/clip_toy), clip_toy.md, text_encoder.safetensors + tokenizer/ (text conditioning) to --out.",
    "Real clips are used when their captions are found: e.g. --data synthetic+../shared/datasets/driving --captions datasets/captions/driving.txt"})
public final class TrainClipCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--captions", arity = "1..*", paramLabel = "FILE", description = "Caption files for the videos of --data (names relative to the "
            + "data folder; format in datasets/README.md). Procedural clips are captioned from their scenes, folders by their captions.txt.")
    List<Path> captions;

    @Option(names = "--width", description = "Width of both towers (default ${DEFAULT-VALUE}).")
    int width = 64;

    @Option(names = "--layers", description = "Layers of both towers (default ${DEFAULT-VALUE}).")
    int layers = 3;

    @Option(names = "--heads", description = "Attention heads of both towers (default ${DEFAULT-VALUE}).")
    int heads = 2;

    @Option(names = "--image-size", description = "Square input of the image tower, after CLIP's resize and centre crop (default ${DEFAULT-VALUE}).")
    int imageSize = 64;

    @Option(names = "--patch-size", description = "ViT patch size (default ${DEFAULT-VALUE}).")
    int patchSize = 8;

    @Override
    public Integer call() {
        ClipTraining.Settings s = options.apply(ClipTraining.Settings.defaults(options.scale(), options.mode()))
                .size(width, layers, heads).image(imageSize, patchSize);
        if (captions != null) {
            s.captionFiles(captions);
        }
        return TrainOptions.report(new ClipTraining(s).run(null));
    }
}
