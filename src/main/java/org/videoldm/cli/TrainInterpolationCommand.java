package org.videoldm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.videoldm.train.stages.InterpolationTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "interpolation", mixinStandardHelpOptions = true, description = "Interpolation model T -> 4T: the video LDM widened for keyframes "
        + "every 4th frame (masked latents + mask), trained on clips at 4x the base frame rate (needs autoencoder and video_ldm, or image_ldm).")
public final class TrainInterpolationCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--parent", paramLabel = "FILE", description = "Network to start from (default: video_ldm of --checkpoints, else image_ldm).")
    Path parent;

    @Option(names = "--window-keyframes", description = "Keyframes per training window (default: 3, i.e. 9 frames).")
    Integer windowKeyframes;

    @Override
    public Integer call() {
        InterpolationTraining.Settings s = options.apply(InterpolationTraining.Settings.defaults(options.scale(), options.mode()));
        if (parent != null) {
            s.parent(parent);
        }
        if (windowKeyframes != null) {
            s.windowKeyframes(windowKeyframes);
        }
        return TrainOptions.report(new InterpolationTraining(s).run(null));
    }
}
