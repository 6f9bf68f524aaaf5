package org.videoldm.cli;

import picocli.CommandLine.Command;

/** Benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (time and memory) of the library's heavy parts.",
        subcommands = {BenchTrainCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
