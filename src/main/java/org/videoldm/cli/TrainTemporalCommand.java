package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.TemporalAlignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "temporal", mixinStandardHelpOptions = true, description = "Temporal alignment: video LDM from the image LDM, spatial layers frozen, temporal layers trained on latent clips (needs autoencoder, image_ldm).")
public final class TrainTemporalCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        TemporalAlignment.Settings s = options.apply(TemporalAlignment.Settings.defaults(options.scale(), options.mode()));
        return TrainOptions.report(new TemporalAlignment(s).run(null));
    }
}
