package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/** Builds our module for one kind of reference fixture, runs its call and returns {@code out.*} tensors. */
public interface FixtureKind {
    /** Short name shown in reports, e.g. "UNetModel". */
    String name();

    /** Whether this kind implements the fixture's {@code reference}. */
    boolean accepts(Fixture fixture);

    /** Computes every output the fixture lists, keyed by its full name ({@code out.output}). */
    Map<String, NDArray> run(Fixture fixture, NDManager manager);

    /**
     * The expected outputs, by full name. Most fixtures store them in io.safetensors; kinds whose
     * golden values live elsewhere (the tokenizer's cases.json) override this.
     */
    default Map<String, NDArray> expected(Fixture fixture, NDManager manager) {
        return fixture.expected();
    }
}
