package org.videoldm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code videoldm train STAGE}: the paper's training stages, resumable from {@code runs/<stage>/}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a stage of Video LDM (resumes from runs/<stage>/ when a checkpoint is there) and export NAME.safetensors + NAME.md "
                + "to --out. Order: autoencoder, image-ldm, temporal, decoder; then prediction, interpolation, upsampler; detector (for FVD-toy) and clip (a toy CLIP: CLIPSIM-toy, text encoder) any time; dreambooth personalises a text-to-video folder.",
        subcommands = {TrainAutoencoderCommand.class, TrainImageLdmCommand.class, TrainTemporalCommand.class, TrainDecoderCommand.class,
            TrainPredictionCommand.class, TrainInterpolationCommand.class, TrainUpsamplerCommand.class, TrainDetectorCommand.class,
            TrainClipCommand.class, TrainBoxLdmCommand.class, TrainDreamBoothCommand.class})
public final class TrainCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
