package org.videoldm.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.model.CheckpointInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code videoldm inspect CHECKPOINT}: tensor groups, parameter counts and which of our networks they fit. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List a safetensors checkpoint's tensor groups and parameter counts, infer the configs of the networks it holds "
                + "(UNet, VideoUNet, Decoder, VideoDecoder, Encoder, AutoencoderKL) and check that they load strictly.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A .safetensors file.")
    Path checkpoint;

    @Option(names = "--no-build", description = "Only infer configs; do not build the networks to check the fit (saves memory on large checkpoints).")
    boolean noBuild;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint); NDManager manager = NDManager.newBaseManager()) {
            CheckpointInspector.Report r = CheckpointInspector.inspect(f, manager, !noBuild);
            out.printf(Locale.ROOT, "%s: %,d tensors, %,d parameters%n", checkpoint, r.tensors(), r.parameters());
            if (!f.metadata().isEmpty()) {
                out.println("metadata: " + f.metadata());
            }
            out.println();
            out.printf(Locale.ROOT, "%-36s %8s %15s  %s%n", "GROUP", "TENSORS", "PARAMETERS", "DTYPES");
            for (CheckpointInspector.Group g : r.groups()) {
                out.printf(Locale.ROOT, "%-36s %8d %,15d  %s%n", g.prefix(), g.tensors(), g.parameters(), String.join(",", g.dtypes()));
            }
            out.println();
            if (r.fits().isEmpty()) {
                out.println("no network of this project recognised (looked for UNet, decoder, encoder and autoencoder keys)");
                return 0;
            }
            out.printf(Locale.ROOT, "%-36s %-14s %15s  %s%n", "NETWORK AT PREFIX", "MODULE", "PARAMETERS", "FIT");
            boolean allFit = true;
            for (CheckpointInspector.Fit fit : r.fits()) {
                String status = fit.fits() ? "fits (strict)" : firstLine(fit.problem());
                allFit &= fit.fits() || noBuild;
                out.printf(Locale.ROOT, "%-36s %-14s %,15d  %s%n", fit.prefix().isEmpty() ? "(no prefix)" : fit.prefix(),
                        fit.inferred().module(), fit.parameters(), status);
                out.println("    config: " + fit.inferred().kwargs());
                for (String a : fit.inferred().assumptions()) {
                    out.println("    assumed: " + a);
                }
                if (!fit.fits() && fit.problem().contains("\n")) {
                    fit.problem().lines().skip(1).limit(12).forEach(l -> out.println("    " + l.strip()));
                }
            }
            return allFit ? 0 : 1;
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
