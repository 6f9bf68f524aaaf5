package org.videoldm.train;

/** Called after every optimizer step, e.g. by a notebook to plot the loss live. */
@FunctionalInterface
public interface TrainingListener {
    /**
     * @param step steps completed (1-based)
     * @param loss the step's mean loss over its micro-batches
     * @param gradNorm global gradient norm before clipping
     */
    void onStep(long step, double loss, double lr, double gradNorm, double itPerSecond, double etaSeconds);
}
