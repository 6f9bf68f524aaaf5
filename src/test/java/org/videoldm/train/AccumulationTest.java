package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.videoldm.nn.Module;
import org.videoldm.util.Progress;

/** Two micro-batches of 2 make the same optimizer step as one batch of 4, and the group settings apply. */
class AccumulationTest {
    /** A vector parameter pulled towards data points: loss = mean_i |w - x_i|^2. */
    static final class Point extends Module {
        final NDArray w;

        Point(NDManager m) {
            super(m);
            w = param("w", m.zeros(new Shape(3)));
            setTrainable(k -> true);
        }
    }

    static float[] item(int i) {
        return new float[] {i, -2f * i, 0.5f * i * i};
    }

    static TrainingStage<NDArray> stage(Point p, int accumulation, int batchSize) {
        DataOrder order = new DataOrder(8, 2);
        return new TrainingStage<>() {
            @Override
            public Module module() {
                return p;
            }

            @Override
            public NDArray batch(StepContext ctx) {
                int[] idx = order.batch(ctx.step(), ctx.micro(), accumulation, batchSize);
                float[] all = new float[idx.length * 3];
                for (int b = 0; b < idx.length; b++) {
                    System.arraycopy(item(idx[b]), 0, all, 3 * b, 3);
                }
                return ctx.manager().create(all, new Shape(idx.length, 3));
            }

            @Override
            public NDArray loss(NDArray batch, StepContext ctx) {
                return p.w.sub(batch).square().sum(new int[] {1}).mean();
            }
        };
    }

    static float[] train(int accumulation, int batchSize, TrainerConfig extra) {
        try (NDManager m = NDManager.newBaseManager()) {
            Point p = new Point(m);
            TrainerConfig c = extra.accumulation(accumulation).emaDecay(0).progress(Progress.Mode.QUIET);
            try (Trainer<NDArray> t = new Trainer<>(stage(p, accumulation, batchSize), c)) {
                t.run(3, null);
            }
            return p.w.toFloatArray();
        }
    }

    @Test
    void accumulatedMicroBatchesEqualOneBigBatch() {
        float[] big = train(1, 4, new TrainerConfig().lr(0.1).weightDecay(0));
        float[] acc = train(2, 2, new TrainerConfig().lr(0.1).weightDecay(0));
        assertArrayEquals(big, acc, 1e-5f);
        // and the steps did move the weights
        assertEquals(true, Math.abs(big[0]) > 0.1);
    }

    @Test
    void parameterGroupsScaleTheLearningRate() {
        float[] base = train(1, 4, new TrainerConfig().lr(0.1).weightDecay(0));
        float[] frozenByGroup = train(1, 4, new TrainerConfig().lr(0.1).weightDecay(0).group("slow", "^w$", 1e-6, 0));
        assertEquals(true, Math.abs(frozenByGroup[0]) < 1e-5 * Math.abs(base[0]) + 1e-6, "group lr scale not applied: " + frozenByGroup[0]);
    }
}
