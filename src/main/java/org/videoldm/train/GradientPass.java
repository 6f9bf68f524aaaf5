package org.videoldm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.videoldm.nn.Ops;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.util.JavaBuffers;
import org.videoldm.util.ParameterNames;
import org.videoldm.util.TorchFlags;

/**
 * The loss and the gradients of one optimizer step (over its micro-batches), computed so that a fault shows instead of
 * being trained on:
 *
 * <ul>
 *   <li>the first step of a run is computed twice; the same batch, noise and weights must give the same gradient norm
 *       (runs are bitwise reproducible here), so a multithreaded kernel that reads memory nobody wrote, or races, is
 *       caught before it does harm;</li>
 *   <li>a non-finite gradient with a finite loss, or a first step that disagrees with itself, is recomputed with one
 *       intra-op thread; if that is finite and consistent, training continues single-threaded and says so, otherwise it
 *       stops with the parameters at fault named;</li>
 *   <li>after the first step, trainable parameters without any gradient are named, and a whole group of them (temporal,
 *       spatial, or a configured group) without gradient stops the stage: it would "train" and save them unchanged.</li>
 * </ul>
 */
final class GradientPass<B> {
    /** Loss, global gradient norm and the gradients (live views of the parameters' {@code .grad}). */
    record Result(double loss, double norm, Map<String, NDArray> grads, List<String> without, List<String> nonFinite) {
        boolean finite() {
            return Double.isFinite(norm);
        }
    }

    private final TrainingStage<B> stage;
    private final TrainerConfig config;
    private final Map<String, TrainerConfig.ParamGroup> groups;
    private final Supplier<String> lastGood;
    private boolean firstStepDone;
    private int threadsBefore = -1;
    private final List<B> batches = new ArrayList<>();
    private long batchStep = -1;
    private NDManager batchManager;

    GradientPass(TrainingStage<B> stage, TrainerConfig config, Map<String, TrainerConfig.ParamGroup> groups, Supplier<String> lastGood) {
        this.stage = stage;
        this.config = config;
        this.groups = groups;
        this.lastGood = lastGood;
    }

    /** The step's loss and gradients, checked as the class comment says; the caller zeroes them after the update. */
    Result run(long step, Map<String, NDArray> params, NDManager sm) {
        Result r = compute(step, params, sm);
        if (!firstStepDone) {
            firstStepDone = true;
            checkParticipation(params, r.without());
            Result again = recompute(step, params, sm);
            if (!agree(r, again)) {
                return singleThreaded(step, params, sm, String.format(Locale.ROOT,
                        "the first step computed twice gave gradient norms %s and %s", r.norm(), again.norm()));
            }
            r = again;
        }
        if (!r.finite()) {
            return singleThreaded(step, params, sm, "the gradient norm is " + r.norm() + " with a finite loss");
        }
        return r;
    }

    /** Restores the thread count if a fallback lowered it. */
    void close() {
        batches.clear();
        batchManager = null;
        if (threadsBefore > 0) {
            JniUtils.setNumThreads(threadsBefore);
            threadsBefore = -1;
        }
    }

    private Result recompute(long step, Map<String, NDArray> params, NDManager sm) {
        zero(params);
        return compute(step, params, sm);
    }

    private Result singleThreaded(long step, Map<String, NDArray> params, NDManager sm, String what) {
        int threads = JniUtils.getNumThreads();
        if (threads > 1) {
            JniUtils.setNumThreads(1);
            Result a = recompute(step, params, sm);
            Result b = recompute(step, params, sm);
            if (a.finite() && agree(a, b)) {
                if (threadsBefore < 0) {
                    threadsBefore = threads;
                }
                System.err.printf(Locale.ROOT, "videoldm: %s at step %d with %d threads; with one thread the step is finite and repeatable "
                        + "(gradient norm %.6g), so this run continues single-threaded. The multithreaded kernels of this libtorch give wrong "
                        + "results on this CPU; VIDEOLDM_THREADS=1 starts that way. (libtorch: %s)%n", what, step + 1, threads, b.norm(), TorchFlags.status());
                return b;
            }
            JniUtils.setNumThreads(threads);
            what = what + "; with one thread: gradient norms " + a.norm() + " and " + b.norm();
        }
        throw fault(step, what, recompute(step, params, sm));
    }

    /**
     * Forward and backward of every micro-batch; the loss must be finite. Batches are made once per step and kept in
     * {@link #batches}: a stage's {@code batch} may have effects (decoder fine-tuning steps its discriminator there),
     * and a recomputation must see the same data.
     */
    private Result compute(long step, Map<String, NDArray> params, NDManager sm) {
        if (batchStep != step || batchManager != sm) {
            batches.clear();
            batchStep = step;
            batchManager = sm;
        }
        double lossSum = 0;
        for (int micro = 0; micro < config.accumulation; micro++) {
            B batch;
            StepContext ctx;
            if (micro < batches.size()) {
                batch = batches.get(micro);
                ctx = StepContext.forLoss(config.seed, step, micro, sm);
            } else {
                ctx = new StepContext(config.seed, step, micro, sm);
                batch = stage.batch(ctx);
                batches.add(batch);
                ctx.beginLoss();
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = stage.loss(batch, ctx);
                if (loss.getShape().size() != 1) {
                    throw new IllegalStateException(stage.getClass().getSimpleName() + ": the loss must be a scalar, got shape " + loss.getShape());
                }
                double value = loss.toType(DataType.FLOAT64, false).getDouble();
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException(step + 1, "training stopped at step " + (step + 1) + ": loss is " + value + " (micro-batch " + micro
                            + "); the weights were not updated with it and " + lastGood.get() + ". Lower the learning rate or set gradient clipping, then resume.");
                }
                lossSum += value;
                if (TorchFlags.poisoning()) {
                    JavaBuffers.releaseUnreachable(); // a graph that still reads freed Java memory now reads garbage
                }
                gc.backward(config.accumulation == 1 ? loss : Ops.scale(loss, 1f / config.accumulation));
            }
        }
        Map<String, NDArray> grads = new LinkedHashMap<>();
        List<String> without = new ArrayList<>();
        List<String> nonFinite = new ArrayList<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            // DJL's getGradient would give fresh zeros for a parameter without gradient, hiding a disconnected layer
            NDArray g = JniUtils.getGradient((PtNDArray) e.getValue());
            if (g == null) {
                without.add(e.getKey());
                continue;
            }
            g.attach(sm);
            grads.put(e.getKey(), g);
            double n2 = g.square().sum().toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(n2)) {
                nonFinite.add(e.getKey());
            }
            sq += n2;
        }
        return new Result(lossSum / config.accumulation, Math.sqrt(sq), grads, without, nonFinite);
    }

    /** zero_() writes zeros, also over NaN or Inf (g - g would keep them). */
    static void zero(Map<String, NDArray> params) {
        params.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
    }

    private static boolean agree(Result a, Result b) {
        if (!a.finite() || !b.finite()) {
            return false;
        }
        return a.loss() == b.loss() && Math.abs(a.norm() - b.norm()) <= 1e-5 * Math.max(a.norm(), b.norm()) + 1e-12;
    }

    private void checkParticipation(Map<String, NDArray> params, List<String> without) {
        if (without.isEmpty()) {
            return;
        }
        Map<String, int[]> perGroup = new LinkedHashMap<>(); // group -> {trainable, without gradient}
        for (String k : params.keySet()) {
            for (String g : List.of(TemporalParameters.isTemporal(k) ? "temporal" : "spatial", "group '" + groups.get(k).name() + "'")) {
                int[] c = perGroup.computeIfAbsent(g, x -> new int[2]);
                c[0]++;
                if (without.contains(k)) {
                    c[1]++;
                }
            }
        }
        String names = ParameterNames.summarise(without, 12);
        for (Map.Entry<String, int[]> e : perGroup.entrySet()) {
            if (e.getValue()[0] == e.getValue()[1]) {
                throw new IllegalStateException(stage.getClass().getSimpleName() + ": none of the " + e.getValue()[0] + " trainable " + e.getKey()
                        + " parameters received a gradient in the first step, so training would leave them unchanged; they are not connected to "
                        + "the loss (" + names + ")");
            }
        }
        System.err.printf(Locale.ROOT, "videoldm: %d of %d trainable parameters received no gradient in the first step and will not change: %s%n",
                without.size(), params.size(), names);
    }

    /** With a finite loss a non-finite or unrepeatable gradient is the backward pass's fault, not the learning rate's. */
    private TrainingDivergedException fault(long step, String what, Result last) {
        String where = last.nonFinite().isEmpty() ? ""
                : "; non-finite in " + last.nonFinite().size() + " of " + (last.grads().size() + last.without().size()) + " parameters: "
                        + ParameterNames.summarise(last.nonFinite(), 8);
        return new TrainingDivergedException(step + 1, String.format(Locale.ROOT,
                "training stopped at step %d: %s (loss %.5g)%s; the weights were not updated with it and %s. With a finite loss this is not a "
                        + "learning-rate problem: the backward pass produced garbage. Run again with VIDEOLDM_POISON=1 (memory nobody wrote, and "
                        + "freed Java buffers, then read as NaN at once) and VIDEOLDM_ANOMALY=1 (names the backward function that made the NaN) and report the output with this message (libtorch: %s).",
                step + 1, what, last.loss(), where, lastGood.get(), TorchFlags.status()));
    }
}
