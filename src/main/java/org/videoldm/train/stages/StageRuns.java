package org.videoldm.train.stages;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.RgbFrame;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.autoencoder.AutoencoderKL;
import org.videoldm.nn.Module;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.train.LossLog;
import org.videoldm.train.ModelCard;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainerConfig;
import org.videoldm.train.TrainingListener;
import org.videoldm.train.TrainingStage;

/** What the training stages share: trainer set-up from settings, resume, timing, loss figures, data, previews and export. */
public final class StageRuns {
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String LOSS_CSV = "loss.csv";
    /** The preview picture in the run folder. */
    public static final String PREVIEW = "samples.png";
    /** Written into a run folder when its stage has exported its network: the run is not trained again. */
    public static final String FINISHED = "FINISHED";

    private StageRuns() {}

    /**
     * The result of a run that finished earlier, read back from its run folder and its exported network, or empty when
     * the stage has to train: a finished stage is not trained again, also when its trainer state is gone (tens of MB,
     * which finished runs are shipped without). Asking for more steps than it finished with continues from its trainer
     * checkpoint; without one that is refused rather than restarted, so the finished run's logs are never overwritten.
     * Without {@code resume} (train afresh) nothing is read back.
     */
    public static Optional<StageResult> finished(String stage, StageSettings<?> s, Path runDir, Path network, Path card, long steps) {
        Path marker = runDir.resolve(FINISHED);
        if (!s.resume || !Files.isRegularFile(marker) || !Files.isRegularFile(network)) {
            return Optional.empty();
        }
        Path csv = runDir.resolve(LOSS_CSV);
        List<LossLog.Row> rows = Files.isRegularFile(csv) ? LossLog.read(csv) : List.of();
        long done = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).step();
        if (done < steps) {
            if (!Files.isRegularFile(runDir.resolve(CHECKPOINT))) {
                throw new IllegalStateException(runDir + ": " + stage + " finished after " + done + " steps and its trainer state (" + CHECKPOINT
                        + ") is not there, so it cannot go on to " + steps + "; remove " + marker + " and " + csv + " to train it again from step 0");
            }
            return Optional.empty();
        }
        String when;
        try {
            when = Files.readString(marker).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(marker.toString(), e);
        }
        System.err.printf(Locale.ROOT, "%s: %s (%s); %s is not trained again (remove %s to train it again)%n", stage, when, runDir,
                network.getFileName(), marker.getFileName());
        return Optional.of(new StageResult(stage, network, card, runDir, rows.isEmpty() ? null : csv, done, 0, finalLoss(csv, 50), Double.NaN, 0,
                cardMetrics(network)));
    }

    /** As {@link #finished(String, StageSettings, Path, Path, Path, long)} for the network {@code name} in the settings' output and run folders. */
    public static Optional<StageResult> finished(String stage, StageSettings<?> s, String name) {
        Path out = s.outOrDefault();
        return finished(stage, s, s.runDirOrDefault(), out.resolve(name + ".safetensors"), out.resolve(name + ".md"), s.steps);
    }

    /** Marks a run folder finished after {@code steps} steps (see {@link #finished}). */
    public static void markFinished(Path runDir, long steps) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(FINISHED), "finished " + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + " after " + steps + " steps\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(runDir.resolve(FINISHED).toString(), e);
        }
    }

    /** The metrics of the model card inside a saved network (empty if it has none). */
    static Map<String, Double> cardMetrics(Path network) {
        String card = SavedNetwork.metadata(network).get(SavedNetwork.KEY_CARD);
        return card == null ? Map.of() : ModelCard.fromJson(com.google.gson.JsonParser.parseString(card).getAsJsonObject()).metrics();
    }

    /** Trainer settings from the stage settings: checkpoint and loss CSV in the run folder. */
    public static TrainerConfig trainerConfig(StageSettings<?> s) {
        Path run = s.runDirOrDefault();
        return new TrainerConfig().lr(s.lr).warmupSteps(s.warmup).gradClip(s.gradClip).emaDecay(s.emaDecay).seed(s.seed)
                .checkpoint(run.resolve(CHECKPOINT)).checkpointEvery(s.checkpointEvery).lossLog(run.resolve(LOSS_CSV)).progress(s.progress);
    }

    /** Continues from the run folder's checkpoint when asked and present; returns the step training starts at. */
    public static long resumeOrStart(Trainer<?> t, StageSettings<?> s) {
        if (s.resume && t.resumeIfExists()) {
            System.err.printf(Locale.ROOT, "%s: resuming from %s at step %d of %d%n", s.stage(), s.runDirOrDefault().resolve(CHECKPOINT), t.step(), s.steps);
        }
        return t.step();
    }

    /** Steps taken and seconds spent by {@link #runTo}. */
    public record Timing(long steps, double seconds) {
        public double secondsPerStep() {
            return steps == 0 ? Double.NaN : seconds / steps;
        }
    }

    /**
     * Trains {@code module} through {@code stage} to the settings' steps, continuing the run folder's checkpoint when asked,
     * and leaves the EMA weights (if any) in it: the exported network and the previews use the averaged weights.
     */
    public static <B> Timing train(TrainingStage<B> stage, Module module, StageSettings<?> s, TrainingListener listener) {
        try (Trainer<B> t = new Trainer<>(stage, trainerConfig(s))) {
            resumeOrStart(t, s);
            Timing timing = runTo(t, s.steps, listener);
            if (t.ema() != null) {
                t.ema().swapIn(module);
            }
            return timing;
        }
    }

    /** Trains until the trainer has taken {@code total} steps (nothing if it already has). */
    public static Timing runTo(Trainer<?> t, long total, TrainingListener listener) {
        long remaining = Math.max(0, total - t.step());
        long t0 = System.nanoTime();
        if (remaining > 0) {
            t.run(remaining, listener);
        }
        return new Timing(remaining, (System.nanoTime() - t0) / 1e9);
    }

    /** Mean loss of the last {@code last} rows of a loss CSV (NaN if there is none). */
    public static double finalLoss(Path csv, int last) {
        if (csv == null || !Files.isRegularFile(csv)) {
            return Double.NaN;
        }
        List<LossLog.Row> rows = LossLog.read(csv);
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        return rows.subList(Math.max(0, rows.size() - last), rows.size()).stream().mapToDouble(LossLog.Row::loss).average().orElse(Double.NaN);
    }

    /** Training time in a loss CSV, summed over resumed runs (the elapsed column restarts with each run). */
    public static double trainingSeconds(Path csv) {
        if (csv == null || !Files.isRegularFile(csv)) {
            return 0;
        }
        double total = 0;
        double previous = 0;
        for (LossLog.Row r : LossLog.read(csv)) {
            if (r.elapsedSeconds() < previous) {
                total += previous;
            }
            previous = r.elapsedSeconds();
        }
        return total + previous;
    }

    /** The data section of a model card; the spec is kept as given (relative to the project when inside it). */
    public static ModelCard.Data dataCard(StageSettings<?> s, ClipDataset ds) {
        int trainClips = ds.train().size();
        String spec = s.data;
        Path p = Path.of(spec);
        if (p.isAbsolute()) {
            try {
                spec = s.projectRoot.toAbsolutePath().relativize(p).toString();
            } catch (IllegalArgumentException e) {
                spec = p.getFileName().toString();
            }
        }
        return new ModelCard.Data(spec, ds.trainVideos().size(), trainClips, ds.validationVideos().size(), s.scale.height(), s.scale.width(),
                s.scale.frames(), s.scale.targetFps());
    }

    /** The clip dataset of the settings' data at the settings' scale and seed. */
    public static ClipDataset clips(StageSettings<?> s) {
        return clips(s, true);
    }

    /** As {@link #clips(StageSettings)}; without {@code flip} no training clip is mirrored (captions may say left or right). */
    public static ClipDataset clips(StageSettings<?> s, boolean flip) {
        ClipDataset ds = ClipDataset.scan(s.scale.clipOptions(s.seed).withFlip(flip), s.holdOut(), s.dataDirs().toArray(new java.nio.file.Path[0]));
        if (ds.train().size() == 0) {
            throw new IllegalArgumentException("data '" + s.data + "': no training clips of " + s.scale.frames() + " frames (" + ds.summary().trim() + ")");
        }
        return ds;
    }

    /** Writes {@code NAME.safetensors} (with the card inside) and {@code NAME.md} into the output folder. */
    public static Path export(StageSettings<?> s, String name, Module module, SavedNetwork.Meta meta, ModelCard card) {
        return export(s, name, module, meta, card, s.float16);
    }

    /** As {@link #export(StageSettings, String, Module, SavedNetwork.Meta, ModelCard)}, in the precision given. */
    public static Path export(StageSettings<?> s, String name, Module module, SavedNetwork.Meta meta, ModelCard card, boolean float16) {
        Path out = s.outOrDefault();
        Path file = out.resolve(name + ".safetensors");
        card = card.withNote("Made by `" + s.commandLine() + "`" + (s.mode == org.videoldm.train.RunMode.SMOKE ? " in smoke mode" : "")
                + "; the run is deterministic from its seed.");
        SavedNetwork.save(file, module, meta.card(card.toJson()), float16);
        card.writeMarkdown(out.resolve(name + ".md"));
        return file;
    }

    /** The first stage of previews: the autoencoder file's network with the latents' scale factor. */
    public static FirstStage firstStage(Path autoencoder, double scaleFactor, NDManager m) {
        return new FirstStage(SavedNetwork.load(autoencoder, m).module(AutoencoderKL.class), scaleFactor, autoencoder.getFileName().toString());
    }

    /** Writes the preview videos (a row each) to {@link #PREVIEW} in the run folder. */
    public static Path writePreview(StageSettings<?> s, List<List<RgbFrame>> videos) {
        Path file = s.runDirOrDefault().resolve(PREVIEW);
        FrameGrid.writePng(file, videos);
        return file;
    }

    /** Writes a preview picture (e.g. labelled rows, {@link FrameGrid#image}) to {@link #PREVIEW} in the run folder. */
    public static Path writePreview(StageSettings<?> s, BufferedImage image) {
        Path file = s.runDirOrDefault().resolve(PREVIEW);
        FrameGrid.writePng(file, image);
        return file;
    }

    /** The file name of a parent network, as cards list them. */
    public static String fileName(Path p) {
        return p.getFileName().toString();
    }
}
