package org.videoldm.conformance;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Completes a copy of the fixture resources with the weights {@link FixtureWeights} rebuilds. */
public final class TestFixtures {
    private TestFixtures() {}

    public static void materialiseWeights(Path conformanceDir, NDManager manager) {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(conformanceDir)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path d : dirs) {
            try (NDManager m = manager.newSubManager()) {
                FixtureWeights.materialise(d, Fixture.load(d, m), m);
            }
        }
    }
}
