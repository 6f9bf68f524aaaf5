package org.videoldm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.videoldm.util.Seeds;

/**
 * What a training stage gets for one micro-batch: the step's manager (closed after the optimizer step) and
 * randomness that is a pure function of (seed, step, micro-batch), so a resumed run draws exactly what the
 * uninterrupted run would have drawn, with no generator state to save.
 */
public final class StepContext {
    private final long seed;
    private final long step;
    private final int micro;
    private final NDManager manager;
    private SplittableRandom random;
    private int normalDraws;
    private boolean lossPhase;

    public StepContext(long seed, long step, int micro, NDManager manager) {
        this.seed = seed;
        this.step = step;
        this.micro = micro;
        this.manager = manager;
        this.random = new SplittableRandom(Seeds.derive(seed, step, micro, 0));
    }

    /**
     * Switches to the loss's own randomness: draws made while computing the loss do not depend on how many the batch
     * took, so the trainer can compute a loss again on the same batch ({@link #forLoss}) and get the same draws.
     */
    public StepContext beginLoss() {
        lossPhase = true;
        random = new SplittableRandom(Seeds.derive(seed, step, micro, 0, 1));
        normalDraws = 0;
        return this;
    }

    /** A context already in its loss phase, drawing what {@link #beginLoss()} on the original would. */
    public static StepContext forLoss(long seed, long step, int micro, NDManager manager) {
        return new StepContext(seed, step, micro, manager).beginLoss();
    }

    /** The optimizer step this micro-batch belongs to (0-based). */
    public long step() {
        return step;
    }

    /** The micro-batch within the step (gradient accumulation), 0-based. */
    public int micro() {
        return micro;
    }

    public long seed() {
        return seed;
    }

    public NDManager manager() {
        return manager;
    }

    /** Scalar randomness (sigmas, context sizes, noise levels, data choice). */
    public SplittableRandom random() {
        return random;
    }

    /** Standard normal noise from the engine, seeded from (seed, step, micro, draw number). */
    public NDArray normal(Shape shape) {
        long draw = 1 + normalDraws++;
        return Seeds.normal(manager, shape, lossPhase ? Seeds.derive(seed, step, micro, draw, 1) : Seeds.derive(seed, step, micro, draw));
    }
}
