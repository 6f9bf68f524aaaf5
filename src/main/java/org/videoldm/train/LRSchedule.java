package org.videoldm.train;

/** The learning-rate multiplier at each optimizer step (the reference's LambdaLR schedules). */
@FunctionalInterface
public interface LRSchedule {
    double factor(long step);

    static LRSchedule constant() {
        return step -> 1.0;
    }

    /** Linear warm-up from 1/warmup to 1 over the first {@code warmupSteps} steps, then constant. */
    static LRSchedule linearWarmup(long warmupSteps) {
        return step -> warmupSteps <= 0 ? 1.0 : Math.min(1.0, (step + 1) / (double) warmupSteps);
    }

    /** Linear warm-up, then cosine decay to {@code minFactor} at {@code totalSteps}. */
    static LRSchedule warmupCosine(long warmupSteps, long totalSteps, double minFactor) {
        return step -> {
            if (step < warmupSteps) {
                return (step + 1) / (double) warmupSteps;
            }
            double p = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps));
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * p));
        };
    }
}
