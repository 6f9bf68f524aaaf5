package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.model.UNetModel;
import org.videoldm.nn.Module;
import org.videoldm.util.Progress;

class TrainerTest {
    @TempDir
    Path dir;

    static TrainerConfig config(Path dir) {
        return new TrainerConfig().lr(1e-3).warmupSteps(2).gradClip(1.0).accumulation(2).emaDecay(0.99).seed(7)
                .checkpoint(dir.resolve("ckpt.safetensors")).lossLog(dir.resolve("loss.csv")).progress(Progress.Mode.QUIET);
    }

    static Map<String, byte[]> bytes(Map<String, NDArray> arrays) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            java.nio.ByteBuffer b = v.toByteBuffer();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.put(k, a);
        });
        return out;
    }

    static void assertSameBytes(Map<String, byte[]> want, Map<String, byte[]> got, String what) {
        assertEquals(want.keySet(), got.keySet(), what + " keys");
        want.forEach((k, v) -> assertArrayEquals(v, got.get(k), what + " " + k + " differs"));
    }

    @Test
    void resumingHalfwayGivesBitwiseTheSameWeights() {
        Map<String, byte[]> straightModel;
        Map<String, byte[]> straightEma;
        Map<String, byte[]> straightM;
        Map<String, byte[]> straightV;
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 2), config(dir.resolve("straight")))) {
                t.run(4, null);
                straightModel = bytes(unet.stateDict());
                straightEma = bytes(t.ema().shadow());
                straightM = bytes(t.optimizer().firstMoments());
                straightV = bytes(t.optimizer().secondMoments());
            }
        }
        Path half = dir.resolve("halves");
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 2), config(half))) {
                t.run(2, null);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 99); // a different initialisation: everything must come from the checkpoint
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 2), config(half))) {
                assertTrue(t.resumeIfExists());
                assertEquals(2, t.step());
                t.run(2, null);
                assertEquals(4, t.step());
                assertSameBytes(straightModel, bytes(unet.stateDict()), "model");
                assertSameBytes(straightEma, bytes(t.ema().shadow()), "EMA");
                assertSameBytes(straightM, bytes(t.optimizer().firstMoments()), "AdamW m");
                assertSameBytes(straightV, bytes(t.optimizer().secondMoments()), "AdamW v");
            }
        }
        List<Long> steps = new ArrayList<>();
        LossLog.read(half.resolve("loss.csv")).forEach(r -> steps.add(r.step()));
        assertEquals(List.of(1L, 2L, 3L, 4L), steps);
        List<LossLog.Row> a = LossLog.read(dir.resolve("straight").resolve("loss.csv"));
        List<LossLog.Row> b = LossLog.read(half.resolve("loss.csv"));
        for (int i = 0; i < 4; i++) {
            assertEquals(a.get(i).loss(), b.get(i).loss(), "loss at step " + (i + 1));
        }
    }

    @Test
    void checkpointHoldsModelEmaOptimizerAndMetadata() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            unet.setTrainable(k -> k.startsWith("output_blocks") || k.startsWith("out."));
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 1), config(dir).accumulation(1))) {
                t.run(1, null);
            }
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("ckpt.safetensors"))) {
                long model = f.keys().stream().filter(k -> k.startsWith("model.")).count();
                long ema = f.keys().stream().filter(k -> k.startsWith("ema.")).count();
                long mm = f.keys().stream().filter(k -> k.startsWith("optim.m.")).count();
                long vv = f.keys().stream().filter(k -> k.startsWith("optim.v.")).count();
                int trainable = unet.trainableParameters().size();
                assertEquals(unet.namedParameters().size(), model);
                assertEquals(trainable, ema);
                assertEquals(trainable, mm);
                assertEquals(trainable, vv);
                assertTrue(f.contains("ema.out.2.weight"));
                assertFalse(f.contains("ema.input_blocks.0.0.weight"));
                assertEquals("1", f.metadata().get("step"));
                assertEquals(TrainingCheckpoint.FORMAT, f.metadata().get("format"));
            }
            TrainingCheckpoint.Info info = TrainingCheckpoint.info(dir.resolve("ckpt.safetensors"));
            assertEquals(7, info.seed());
            assertEquals(1e-3, TrainerConfig.fromJson(info.config()).lr);
        }
    }

    @Test
    void frozenParametersStayFrozen() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            unet.setTrainable(k -> k.startsWith("output_blocks"));
            Map<String, byte[]> before = bytes(unet.stateDict());
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 1), config(dir).accumulation(1).checkpoint(null))) {
                t.run(2, null);
            }
            Map<String, byte[]> after = bytes(unet.stateDict());
            int changed = 0;
            for (String k : before.keySet()) {
                boolean same = java.util.Arrays.equals(before.get(k), after.get(k));
                if (k.startsWith("output_blocks")) {
                    changed += same ? 0 : 1;
                } else {
                    assertTrue(same, k + " is frozen but changed");
                }
            }
            assertTrue(changed > 10, "trainable parameters changed: " + changed);
        }
    }

    @Test
    void trainingStepsDoNotAccumulateArrays() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(TinyDiffusion.stage(unet, 3, 2, 1), config(dir).accumulation(1).checkpoint(null).lossLog(null))) {
                t.run(1, null);
                int after1 = m.getManagedArrays().size();
                t.run(3, null);
                assertEquals(after1, m.getManagedArrays().size(), "arrays left behind by training steps");
            }
        }
    }

    /** Wraps a stage so that its loss becomes NaN from a given step on. */
    record PoisonedStage(DiffusionStage inner, long fromStep) implements TrainingStage<DiffusionStage.Batch> {
        @Override
        public Module module() {
            return inner.module();
        }

        @Override
        public DiffusionStage.Batch batch(StepContext ctx) {
            return inner.batch(ctx);
        }

        @Override
        public NDArray loss(DiffusionStage.Batch batch, StepContext ctx) {
            NDArray l = inner.loss(batch, ctx);
            return ctx.step() + 1 >= fromStep ? l.mul(Float.NaN) : l;
        }
    }

    @Test
    void nanStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            TrainerConfig c = config(dir).accumulation(1).checkpointEvery(1);
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(new PoisonedStage(TinyDiffusion.stage(unet, 3, 2, 1), 3), c)) {
                List<Map<String, byte[]>> afterStep2 = new ArrayList<>();
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                        () -> t.run(5, (step, loss, lr, g, it, eta) -> {
                            if (step == 2) {
                                afterStep2.add(bytes(unet.stateDict()));
                            }
                        }));
                assertEquals(3, e.step());
                assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("NaN") && e.getMessage().contains("ckpt.safetensors (step 2)"), e.getMessage());
                assertEquals(2, t.step());
                assertSameBytes(afterStep2.get(0), bytes(unet.stateDict()), "weights after the refused step");
            }
            assertEquals(2, TrainingCheckpoint.info(dir.resolve("ckpt.safetensors")).step());
        }
    }

    static final int STEPS = 30;

    @Test
    void lossFallsOnTheToyData() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNetModel unet = TinyDiffusion.unet(m, 1);
            DiffusionStage stage = TinyDiffusion.epsStage(unet, 3, 4);
            double before = evalLoss(stage, m);
            List<Double> losses = new ArrayList<>();
            try (Trainer<DiffusionStage.Batch> t = new Trainer<>(stage, new TrainerConfig().lr(3e-3).warmupSteps(3).gradClip(1.0).emaDecay(0)
                    .progress(Progress.Mode.QUIET))) {
                t.run(STEPS, (step, loss, lr, g, it, eta) -> losses.add(loss));
            }
            double after = evalLoss(stage, m);
            System.out.printf("toy data: held-out loss %.4f -> %.4f after %d steps%n", before, after, STEPS);
            assertTrue(after < 0.6 * before, "loss did not fall: " + before + " -> " + after);
        }
    }

    /** The loss on a fixed batch, sigmas and noise (the same draws before and after training). */
    static double evalLoss(DiffusionStage stage, NDManager m) {
        double sum = 0;
        for (int k = 0; k < 4; k++) {
            try (NDManager sm = m.newSubManager()) {
                StepContext ctx = new StepContext(12345, k, 0, sm);
                DiffusionStage.Batch b = new DiffusionStage.Batch(TinyDiffusion.batch(sm, new int[] {0, 1, 2, 3, 4, 5, 6, 7}),
                        org.videoldm.diffusion.Conditioning.none(), null);
                sum += stage.loss(b, ctx).getFloat();
            }
        }
        return sum / 4;
    }
}
