package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.DecoderFinetuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "decoder", mixinStandardHelpOptions = true, description = "Fine-tune a temporal decoder against a 3D patch discriminator, encoder frozen; reports flicker before/after (needs autoencoder).")
public final class TrainDecoderCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        DecoderFinetuning.Settings s = options.apply(DecoderFinetuning.Settings.defaults(options.scale(), options.mode()));
        return TrainOptions.report(new DecoderFinetuning(s).run(null));
    }
}
