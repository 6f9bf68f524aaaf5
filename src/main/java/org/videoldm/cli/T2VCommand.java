package org.videoldm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code videoldm t2v}: text-to-video models built from image LDMs. */
@Command(name = "t2v", mixinStandardHelpOptions = true,
        description = "Text-to-video (Video LDM on Stable Diffusion): build a video LDM from an SD 1.x checkpoint. Train its temporal layers with "
                + "`train temporal --checkpoints DIR --captions`.",
        subcommands = {T2VInitCommand.class})
public final class T2VCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
