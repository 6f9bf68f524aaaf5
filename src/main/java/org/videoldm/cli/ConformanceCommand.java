package org.videoldm.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.videoldm.conformance.ConformanceResult;
import org.videoldm.conformance.ConformanceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = "Check our modules against reference fixtures: build from config.json, load weights strictly, compare every out.* tensor.")
public final class ConformanceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A folder of fixture folders (or one fixture folder).")
    Path dir;

    @Parameters(index = "1..*", paramLabel = "NAME", description = "Fixture folder names to run (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--allow-unsupported", description = "Do not fail on fixtures whose reference is not implemented.")
    boolean allowUnsupported;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such folder");
        }
        List<Path> fixtures = new ArrayList<>();
        if (names.isEmpty()) {
            fixtures.addAll(ConformanceRunner.discover(dir));
        } else {
            for (String n : names) {
                Path p = dir.resolve(n);
                if (!Files.isRegularFile(p.resolve("config.json"))) {
                    throw new IllegalArgumentException(p + ": not a fixture folder (no config.json)");
                }
                fixtures.add(p);
            }
        }
        boolean ok = true;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Path f : fixtures) {
                for (ConformanceResult r : ConformanceRunner.run(f, manager)) {
                    System.out.println(r.line());
                    boolean fine = r.passed() || (allowUnsupported && r.status() == ConformanceResult.Status.UNSUPPORTED);
                    ok &= fine;
                }
            }
        }
        return ok ? 0 : 1;
    }
}
