package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.DetectorTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "detector", mixinStandardHelpOptions = true, description = "Train the feature network of FVD-toy and FID-toy (fvd_toy) on the training split: "
        + "it names each clip's temporal form (ordered, reversed, shuffled, slowed, frozen) and the procedural clips' scene labels.")
public final class TrainDetectorCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        DetectorTraining.Settings s = options.apply(DetectorTraining.Settings.defaults(options.scale(), options.mode()));
        return TrainOptions.report(new DetectorTraining(s).run(null));
    }
}
