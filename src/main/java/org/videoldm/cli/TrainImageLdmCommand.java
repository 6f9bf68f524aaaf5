package org.videoldm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.ImageLDMTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "image-ldm", mixinStandardHelpOptions = true, description = "Train the image LDM on cached latent frames (needs autoencoder); "
        + "unconditional, with --labels conditioned on scene labels (time of day, crowdedness), or with --captions a text-to-image LDM "
        + "(needs text_encoder and tokenizer/ in --checkpoints, made by `train clip`).")
public final class TrainImageLdmCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--labels", arity = "0..*", paramLabel = "FILE", description = "Condition on scene labels through the UNet's vector input "
            + "(num_classes sequential): procedural clips carry their scenes' exact labels, your videos a labels.txt in their folder or these label "
            + "files (video names relative to the data folder; format: docs/simulation.md).")
    List<Path> labels;

    @Option(names = "--captions", arity = "0..*", paramLabel = "FILE", description = "Text-to-image: cross-attention on the text encoder's last "
            + "hidden states; procedural clips are captioned from their scenes, your videos by a captions.txt in their folder and by these caption "
            + "files (format: datasets/README.md).")
    List<Path> captions;

    @Option(names = "--ucg-rate", defaultValue = "0.1", description = "With --labels: share of each label group dropped to its zero vector; with "
            + "--captions: share of captions replaced by the empty prompt (dropout for classifier-free guidance; default ${DEFAULT-VALUE}).")
    double ucgRate;

    @Option(names = "--init-from", paramLabel = "FILE", description = "Start from another image LDM's weights where key and shape agree (e.g. "
            + "a text-to-image model from the unconditional one: only the cross-attention keys and values start fresh).")
    Path initFrom;

    @Override
    public Integer call() {
        ImageLDMTraining.Settings s = options.apply(ImageLDMTraining.Settings.defaults(options.scale(), options.mode()));
        if (captions != null && labels != null) {
            throw new IllegalArgumentException("--captions and --labels: a model is conditioned on text or on scene labels, not both");
        }
        if (labels != null) {
            s.labels(true, labels).ucgRate(ucgRate);
        }
        if (captions != null) {
            s.captions(true, captions).ucgRate(ucgRate);
        }
        if (initFrom != null) {
            s.initFrom(initFrom);
        }
        return TrainOptions.report(new ImageLDMTraining(s).run(null));
    }
}
