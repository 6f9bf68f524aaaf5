package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.ImageLDMTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "image-ldm", mixinStandardHelpOptions = true, description = "Train the unconditional image LDM on cached latent frames (needs autoencoder).")
public final class TrainImageLdmCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        ImageLDMTraining.Settings s = options.apply(ImageLDMTraining.Settings.defaults(options.scale(), options.mode()));
        return TrainOptions.report(new ImageLDMTraining(s).run(null));
    }
}
