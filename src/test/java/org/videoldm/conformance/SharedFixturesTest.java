package org.videoldm.conformance;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.videoldm.TestPaths;

/** Every output of the reference's golden fixtures must match within the fixture's tolerance. */
class SharedFixturesTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet2d", "autoencoder_kl", "discretization", "frechet", "video_unet", "video_decoder", "video_decoder_all", "sd_pipeline"})
    void fixturePasses(String name) {
        Path dir = TestPaths.conformance().resolve(name);
        List<ConformanceResult> results = ConformanceRunner.run(dir, manager);
        assertFalse(results.isEmpty());
        for (ConformanceResult r : results) {
            assertTrue(r.passed(), r.line());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet2d", "autoencoder_kl", "video_unet", "video_decoder", "video_decoder_all"})
    void aWrongWeightFailsTheComparison(String name) throws Exception {
        // Guard against a comparison that cannot fail: perturb one weight and expect a FAIL.
        Path dir = TestPaths.conformance().resolve(name);
        try (NDManager m = manager.newSubManager()) {
            Fixture f = Fixture.load(dir, m);
            FixtureKind kind = FixtureKinds.find(f).orElseThrow();
            var good = kind.run(f, m);
            var expected = f.expected();
            String out = expected.keySet().iterator().next();
            var bad = good.get(out).add(1e-2f);
            assertFalse(ConformanceRunner.compare(name, out, bad, expected.get(out), f.atol(), f.rtol()).passed());
        }
    }
}
