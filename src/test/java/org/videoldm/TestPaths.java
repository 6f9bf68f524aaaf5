package org.videoldm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.videoldm.conformance.TestFixtures;

/**
 * Test data. The conformance fixtures come from the project's test resources (configs and io tensors) with their
 * random weights rebuilt from the fixtures' own rules, so the suite needs nothing outside the repository. The real
 * clips of {@code ../shared/datasets} are optional: tests that need them skip, saying so, when the folder is absent.
 */
public final class TestPaths {
    private TestPaths() {}

    private static Path conformance;

    /** A complete conformance folder (config.json, io.safetensors and weights for every fixture), built once per JVM. */
    public static synchronized Path conformance() {
        if (conformance == null) {
            try {
                Path src = Path.of(TestPaths.class.getResource("/conformance").toURI());
                Path dir = Files.createTempDirectory("videoldm-conformance");
                List<Path> files;
                try (Stream<Path> s = Files.walk(src)) {
                    files = s.filter(Files::isRegularFile).toList();
                }
                for (Path f : files) {
                    Path to = dir.resolve(src.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
                try (NDManager m = NDManager.newBaseManager()) {
                    TestFixtures.materialiseWeights(dir, m);
                }
                conformance = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return conformance;
    }

    /** {@code ../shared/datasets} (real driving and non-driving clips) next to the checkout, if present. */
    public static Optional<Path> sharedDatasets() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("datasets");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The shared datasets folder, or a skipped test that says why (only tests on the real clips may skip). */
    public static Path sharedDatasetsOrSkip() {
        Optional<Path> d = sharedDatasets();
        if (d.isEmpty()) {
            System.err.println("skipped: ../shared/datasets (the real clips) is not next to this checkout");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(d.isPresent(), "../shared/datasets (the real clips) is not next to this checkout");
        return d.get();
    }
}
