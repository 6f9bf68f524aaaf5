package org.videoldm.conformance;

import java.util.List;
import java.util.Optional;

/** Every fixture kind this project implements. */
public final class FixtureKinds {
    private FixtureKinds() {}

    public static List<FixtureKind> all() {
        return List.of(
                new DiscretizationKind(),
                new UNetKind(),
                new AutoencoderKLKind(),
                new VideoUNetKind(),
                new VideoDecoderKind(),
                new FrechetKind(),
                new CLIPTextKind(),
                new CLIPVisionKind(),
                new CLIPTokenizerKind(),
                new SDPipelineKind());
    }

    public static Optional<FixtureKind> find(Fixture fixture) {
        return all().stream().filter(k -> k.accepts(fixture)).findFirst();
    }
}
