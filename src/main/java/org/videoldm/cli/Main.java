package org.videoldm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code videoldm} command: one subcommand class per job. */
@Command(
        name = "videoldm",
        mixinStandardHelpOptions = true,
        version = "videoldm 0.1.0",
        description = "Video latent diffusion (Align your Latents) on DJL: conformance, data, training, sampling, metrics.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ConformanceCommand.class,
            BenchMetricsCommand.class,
            EvalCommand.class,
            InfoCommand.class,
            DatasetCommand.class,
            InspectCommand.class,
            BenchCommand.class,
            DecodeCommand.class,
            TrainCommand.class,
            T2VCommand.class,
            GenerateCommand.class,
            SimulateCommand.class,
            UpsampleCommand.class,
        })
public final class Main implements Runnable {

    @Option(names = "--debug", description = "Print full stack traces on errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status; errors are one line unless --debug is given. */
    public static int run(String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (debug) {
                ex.printStackTrace();
            } else {
                commandLine.getErr().println("error: " + describe(ex));
            }
            return 2;
        });
        return cli.execute(args);
    }

    static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg.replace('\n', ' ');
    }
}
