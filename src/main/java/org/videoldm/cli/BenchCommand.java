package org.videoldm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code videoldm bench ...}: timing of the networks on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: forward and forward+backward time, GFLOP/s, peak memory.",
        subcommands = {UNetBench.class, BenchTrainCommand.class, BenchSamplingCommand.class, BenchAutoencoderCommand.class, BenchSoakCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
