package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.BoxLDMTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "box-ldm", mixinStandardHelpOptions = true, description = "Train the bounding-box-conditioned image LDM on frames of procedural "
        + "clips with their exact car boxes (needs autoencoder); it sets up the first frame of a simulated scenario (./videoldm simulate).")
public final class TrainBoxLdmCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--ucg-rate", defaultValue = "0.1", description = "Share of frames whose layout is dropped (every box token null), for "
            + "classifier-free guidance (default ${DEFAULT-VALUE}).")
    double ucgRate;

    @Override
    public Integer call() {
        BoxLDMTraining.Settings s = options.apply(BoxLDMTraining.Settings.defaults(options.scale(), options.mode())).ucgRate(ucgRate);
        return TrainOptions.report(new BoxLDMTraining(s).run(null));
    }
}
