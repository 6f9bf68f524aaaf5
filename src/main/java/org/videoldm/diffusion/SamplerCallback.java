package org.videoldm.diffusion;

/** Called after every sampler step (for previews, logging, notebook progress). */
@FunctionalInterface
public interface SamplerCallback {
    void onStep(SamplerStep step);
}
