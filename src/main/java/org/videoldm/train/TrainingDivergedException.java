package org.videoldm.train;

/** Training met a NaN or infinite loss or gradient; the weights were not updated with it. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The step (1-based, the one that would have been taken) at which it happened. */
    public long step() {
        return step;
    }
}
