package org.videoldm.train;

import java.nio.file.Path;

/**
 * What a latent stage run produced.
 *
 * @param network the exported network ({@code NAME.safetensors}, card inside)
 * @param card the Markdown card next to it
 * @param lossCsv the loss log of the run (all steps, including resumed ones)
 * @param steps optimizer steps in total
 * @param finalLoss mean loss of the last logged steps
 * @param wallSeconds training time of all steps
 */
public record LatentStageResult(Path network, Path card, Path lossCsv, long steps, double finalLoss, double wallSeconds) {
    public double secondsPerStep() {
        return steps == 0 ? Double.NaN : wallSeconds / steps;
    }
}
