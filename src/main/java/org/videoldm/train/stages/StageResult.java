package org.videoldm.train.stages;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a stage run produced.
 *
 * @param stage the stage's name
 * @param network the exported network file (null for stages that export none, e.g. latent caching)
 * @param card its Markdown model card
 * @param runDir the run folder (trainer checkpoint, loss CSV, previews)
 * @param lossLog the loss CSV, or null
 * @param steps optimizer steps in total
 * @param stepsThisRun steps taken in this call (0 when a finished run was only re-exported)
 * @param finalLoss mean loss of the last logged steps (NaN if none)
 * @param secondsPerStep wall time per step in this call (NaN if no step was taken)
 * @param wallSeconds this call's wall time, including data preparation and export
 * @param metrics stage-specific figures (scale factor, flicker, alpha, ...)
 */
public record StageResult(String stage, Path network, Path card, Path runDir, Path lossLog, long steps, long stepsThisRun, double finalLoss,
        double secondsPerStep, double wallSeconds, Map<String, Double> metrics) {
    public StageResult {
        metrics = Map.copyOf(metrics);
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        String thisRun = stepsThisRun == 0 ? "all done before, re-exported"
                : String.format(java.util.Locale.ROOT, "%d this run, %.3f s/step", stepsThisRun, secondsPerStep);
        sb.append(String.format(java.util.Locale.ROOT, "%s: %d steps (%s), final loss %.4g, %.1f s", stage, steps, thisRun, finalLoss, wallSeconds));
        if (network != null) {
            sb.append(", wrote ").append(network);
        }
        metrics.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, ", %s %.4g", k, v)));
        return sb.toString();
    }
}
