package org.videoldm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.PredictionTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prediction", mixinStandardHelpOptions = true, description = "Prediction model: the video LDM widened for 0, 1 or 2 context frames "
        + "(masked latents + mask), temporal layers and input conv trained (needs autoencoder and video_ldm, or image_ldm).")
public final class TrainPredictionCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--parent", paramLabel = "FILE", description = "Network to start from (default: video_ldm of --checkpoints, else image_ldm).")
    Path parent;

    @Option(names = "--context-weights", split = ",", paramLabel = "W0,W1,W2",
            description = "Relative probabilities of 0, 1, 2 context frames per training clip (default: 1,1,1).")
    double[] contextWeights;

    @Option(names = "--labels", arity = "0..*", paramLabel = "FILE", description = "Scene labels, for a label-conditioned parent (train temporal "
            + "--labels): procedural clips carry exact labels, your videos a labels.txt or these label files (format: docs/simulation.md).")
    java.util.List<Path> labels;

    @Option(names = "--ucg-rate", defaultValue = "0.1", description = "With --labels: share of each label group dropped (default ${DEFAULT-VALUE}).")
    double ucgRate;

    @Override
    public Integer call() {
        PredictionTraining.Settings s = options.apply(PredictionTraining.Settings.defaults(options.scale(), options.mode()));
        if (parent != null) {
            s.parent(parent);
        }
        if (labels != null) {
            s.labels(true, labels).ucgRate(ucgRate);
        }
        if (contextWeights != null) {
            s.contextWeights(contextWeights);
        }
        return TrainOptions.report(new PredictionTraining(s).run(null));
    }
}
