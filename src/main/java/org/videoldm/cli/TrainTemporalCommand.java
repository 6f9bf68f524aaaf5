package org.videoldm.cli;

import java.util.concurrent.Callable;
import org.videoldm.train.stages.TemporalAlignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "temporal", mixinStandardHelpOptions = true, description = "Temporal alignment: video LDM from the image LDM, spatial layers frozen, "
        + "temporal layers trained on latent clips (needs autoencoder, image_ldm). --variant trains the paper's ablations instead.")
public final class TrainTemporalCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--variant", defaultValue = "full", description = "full (Video LDM), end-to-end (every layer trains), attention-only "
            + "(no 3D convolutions), conv-only (no temporal attention); the ablations export video_ldm_<variant> (default: ${DEFAULT-VALUE}).")
    String variant;

    @Override
    public Integer call() {
        TemporalAlignment.Variant v = TemporalAlignment.Variant.parse(variant);
        TemporalAlignment.Settings s = options.apply(TemporalAlignment.Settings.defaults(options.scale(), options.mode())).variant(v);
        return TrainOptions.report(new TemporalAlignment(s).run(null));
    }
}
