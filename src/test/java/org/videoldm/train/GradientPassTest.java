package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.videoldm.nn.Module;
import org.videoldm.util.Progress;

/** What the trainer does with gradients that are missing, non-finite, unrepeatable or wrong only when multithreaded. */
class GradientPassTest {
    /** Two spatial parameters and a temporal one (its name carries the reference's temporal marker). */
    static final class TwoParts extends Module {
        final NDArray spatial;
        final NDArray bias;
        final NDArray temporal;

        TwoParts(NDManager m) {
            super(m);
            spatial = param("conv.weight", m.ones(new Shape(4)).mul(0.5f));
            bias = param("conv.bias", m.ones(new Shape(4)).mul(0.1f));
            temporal = param("time_stack.weight", m.ones(new Shape(4)).mul(0.25f));
        }
    }

    /** A stage whose loss is {@code f(module, call number)} on a fixed input. */
    record Stage(TwoParts module, BiFunction<TwoParts, Integer, NDArray> f, AtomicInteger calls) implements TrainingStage<Object> {
        Stage(TwoParts module, BiFunction<TwoParts, Integer, NDArray> f) {
            this(module, f, new AtomicInteger());
        }

        @Override
        public Object batch(StepContext ctx) {
            return Boolean.TRUE;
        }

        @Override
        public NDArray loss(Object batch, StepContext ctx) {
            return f.apply(module, calls.getAndIncrement());
        }
    }

    static TrainerConfig config() {
        return new TrainerConfig().lr(1e-2).warmupSteps(0).weightDecay(0).emaDecay(0).progress(Progress.Mode.QUIET);
    }

    static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTemporalPathDisconnectedFromTheLossStopsTheStageAndNamesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            Stage stage = new Stage(net, (n, i) -> n.spatial.square().sum().add(n.bias.sum()));
            try (Trainer<Object> t = new Trainer<>(stage, config())) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.run(1, null));
                assertTrue(e.getMessage().contains("none of the 1 trainable temporal parameters received a gradient"), e.getMessage());
                assertTrue(e.getMessage().contains("time_stack.weight"), e.getMessage());
            }
        }
    }

    @Test
    void anUnusedParameterIsNamedOnceAndTrainingGoesOn() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            Stage stage = new Stage(net, (n, i) -> n.spatial.square().sum().add(n.temporal.get(0).square()));
            String err = stderrOf(() -> {
                try (Trainer<Object> t = new Trainer<>(stage, config())) {
                    t.run(3, null);
                }
            });
            assertEquals(1, err.lines().filter(l -> l.contains("received no gradient")).count(), err);
            assertTrue(err.contains("1 of 3 trainable parameters received no gradient in the first step and will not change: conv.bias"), err);
            assertTrue(net.spatial.toFloatArray()[0] < 0.5f, "the spatial weight trained");
            float[] tw = net.temporal.toFloatArray();
            assertTrue(tw[0] < 0.25f && tw[1] == 0.25f, "only the used element of the temporal weight moved");
            assertEquals(0.1f, net.bias.toFloatArray()[0], 0f);
        }
    }

    @Test
    void gradientsLeftByEarlierTrainingDoNotHideADisconnectedPart() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            try (Trainer<Object> all = new Trainer<>(new Stage(net, (n, i) -> n.spatial.square().sum().add(n.bias.sum()).add(n.temporal.sum())), config())) {
                all.run(2, null);
            }
            assertTrue(JniUtils.getGradient((PtNDArray) net.temporal) != null, "the earlier run left a (zeroed) gradient");
            try (Trainer<Object> t = new Trainer<>(new Stage(net, (n, i) -> n.spatial.square().sum().add(n.bias.sum())), config())) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.run(1, null));
                assertTrue(e.getMessage().contains("time_stack.weight"), e.getMessage());
            }
            assertTrue(net.temporal.hasGradient(), "still trainable after the reset");
        }
    }

    @Test
    void aNonFiniteGradientWithAFiniteLossIsNotBlamedOnTheLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            // d/dw sqrt(0 * w) = 0 * inf = NaN, while the loss itself is 0
            Stage stage = new Stage(net, (n, i) -> n.spatial.mul(n.spatial.zerosLike()).sqrt().sum().add(n.temporal.sum()).add(n.bias.sum()));
            try (Trainer<Object> t = new Trainer<>(stage, config())) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.run(1, null));
                assertEquals(1, e.step());
                assertTrue(e.getMessage().contains("not a learning-rate problem"), e.getMessage());
                assertFalse(e.getMessage().contains("Lower the learning rate"), e.getMessage());
                assertTrue(e.getMessage().contains("non-finite in 1 of 3 parameters: conv.weight"), e.getMessage());
                assertTrue(e.getMessage().contains("VIDEOLDM_POISON=1"), e.getMessage());
            }
            assertEquals(0.5f, net.spatial.toFloatArray()[0], 0f, "the weights were not updated");
        }
    }

    @Test
    void aFirstStepThatDisagreesWithItselfStopsTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            Stage stage = new Stage(net, (n, i) -> n.spatial.sum().add(n.temporal.sum()).add(n.bias.sum()).mul(1 + i));
            try (Trainer<Object> t = new Trainer<>(stage, config())) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.run(1, null));
                assertTrue(e.getMessage().contains("the first step computed twice gave gradient norms"), e.getMessage());
            }
        }
    }

    @Test
    void gradientsThatAreWrongOnlyWhenMultithreadedFallBackToOneThreadAndSaySo() {
        Engine.getInstance(); // loads libtorch: the thread calls below go straight to it
        int configured = JniUtils.getNumThreads();
        int threads = Math.max(2, configured);
        JniUtils.setNumThreads(threads);
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            // as a faulty kernel would: garbage (here: Inf) in the gradient, only with several threads
            Stage stage = new Stage(net, (n, i) -> {
                NDArray l = n.spatial.square().sum().add(n.temporal.square().sum()).add(n.bias.square().sum());
                return JniUtils.getNumThreads() > 1 ? l.add(n.spatial.mul(n.spatial.zerosLike()).sqrt().sum()) : l;
            });
            String err = stderrOf(() -> {
                try (Trainer<Object> t = new Trainer<>(stage, config())) {
                    t.run(3, null);
                    assertEquals(1, JniUtils.getNumThreads(), "the rest of the run is single-threaded");
                }
            });
            assertEquals(threads, JniUtils.getNumThreads(), "closing the trainer restores the threads");
            assertTrue(err.contains("with one thread the step is finite and repeatable"), err);
            assertTrue(net.spatial.toFloatArray()[0] < 0.5f, "trained");
        } finally {
            JniUtils.setNumThreads(configured);
        }
    }

    @Test
    void zeroingClearsNanGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.ones(new Shape(3));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(w.zerosLike()).sqrt().sum());
            }
            assertEquals(3, JniUtils.getGradient((PtNDArray) w).isNaN().sum().getLong());
            GradientPass.zero(java.util.Map.of("w", w));
            assertEquals(0f, JniUtils.getGradient((PtNDArray) w).abs().sum().getFloat(), 0f);
        }
    }

    @Test
    void stepsRunOnAThreadWhoseAutogradIsOn() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoParts net = new TwoParts(m);
            net.setTrainable(k -> true);
            Stage stage = new Stage(net, (n, i) -> n.spatial.square().sum().add(n.temporal.square().sum()).add(n.bias.square().sum()));
            Throwable[] failure = new Throwable[1];
            boolean[] restored = new boolean[1];
            // a fresh thread, as a notebook cell or worker gets: libtorch's per-thread autograd switch starts on there
            Thread t = new Thread(() -> {
                JniUtils.setGradMode(true);
                try (Trainer<Object> tr = new Trainer<>(stage, config())) {
                    tr.run(2, null);
                } catch (Throwable e) {
                    failure[0] = e;
                }
                restored[0] = JniUtils.isGradMode();
            });
            t.start();
            t.join();
            assertEquals(null, failure[0]);
            assertTrue(restored[0], "the thread's own setting is restored");
            assertTrue(net.spatial.toFloatArray()[0] < 0.5f, "trained");
        }
    }
}
