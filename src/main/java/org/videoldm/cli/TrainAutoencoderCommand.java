package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.AutoencoderTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "autoencoder", mixinStandardHelpOptions = true, description = "Train the KL autoencoder on frames of the training clips and measure the latent scale factor.")
public final class TrainAutoencoderCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        AutoencoderTraining.Settings s = options.apply(AutoencoderTraining.Settings.defaults(options.scale(), options.mode()));
        return TrainOptions.report(new AutoencoderTraining(s).run(null));
    }
}
