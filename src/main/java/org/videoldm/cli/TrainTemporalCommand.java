package org.videoldm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.TemporalAlignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "temporal", mixinStandardHelpOptions = true, description = "Temporal alignment: video LDM from the image LDM, spatial layers frozen, "
        + "temporal layers trained on latent clips (needs autoencoder, image_ldm). --variant trains the paper's ablations instead; --captions "
        + "trains a text-to-video model (from `t2v init`) on captioned clips.")
public final class TrainTemporalCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--variant", defaultValue = "full", description = "full (Video LDM), end-to-end (every layer trains), attention-only "
            + "(no 3D convolutions), conv-only (no temporal attention); the ablations export video_ldm_<variant> (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--captions", arity = "0..*", paramLabel = "FILE", description = "Text-conditioned alignment, for a text-conditioned image LDM "
            + "(./videoldm t2v init): each clip's caption goes through the text encoder next to the image LDM. Procedural clips are captioned from "
            + "their scenes, your videos by a captions.txt in their folder and by these caption files (video names relative to the data folder; "
            + "format: datasets/README.md). Clips are then never mirrored.")
    List<Path> captions;

    @Option(names = "--labels", arity = "0..*", paramLabel = "FILE", description = "Scene-label conditioning (time of day, crowdedness), for an "
            + "image LDM trained with --labels: procedural clips carry their scenes' exact labels, your videos a labels.txt in their folder or "
            + "these label files (format: docs/simulation.md).")
    List<Path> labels;

    @Option(names = "--ucg-rate", defaultValue = "0.1", description = "With --captions: share of captions replaced by the empty prompt; with "
            + "--labels: share of each label group dropped to its zero vector (dropout for classifier-free guidance; default ${DEFAULT-VALUE}).")
    double ucgRate;

    @Override
    public Integer call() {
        TemporalAlignment.Variant v = TemporalAlignment.Variant.parse(variant);
        TemporalAlignment.Settings s = options.apply(TemporalAlignment.Settings.defaults(options.scale(), options.mode())).variant(v);
        if (captions != null && labels != null) {
            throw new IllegalArgumentException("--captions and --labels: a model is conditioned on text or on scene labels, not both");
        }
        if (labels != null) {
            s.labels(true, labels).ucgRate(ucgRate);
        }
        if (captions != null) {
            s.captions(true, captions).ucgRate(ucgRate);
        }
        return TrainOptions.report(new TemporalAlignment(s).run(null));
    }
}
