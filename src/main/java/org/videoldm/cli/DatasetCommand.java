package org.videoldm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Make and inspect clip datasets.",
        subcommands = {DatasetSyntheticCommand.class, DatasetScanCommand.class})
public final class DatasetCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
