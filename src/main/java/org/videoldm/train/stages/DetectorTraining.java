package org.videoldm.train.stages;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.detector.ToyVideoNet;
import org.videoldm.nn.Module;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.ModelCard;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.StepContext;
import org.videoldm.train.Trainer;
import org.videoldm.train.TrainingListener;
import org.videoldm.train.TrainingStage;

/**
 * Trains the feature network of FVD-toy and FID-toy ({@link ToyVideoNet}) on the training split only. Each clip is
 * shown in one of five temporal forms (ordered, reversed, shuffled, slowed by repeating frames, frozen) and the
 * network names the form; procedural clips also carry their scene labels (time of day, weather, traffic, curvature,
 * speed), which it predicts too. A network that solves both has features that see frame order, motion and the look of
 * a scene: what FVD is meant to compare. Exports {@code fvd_toy} with a card of held-out accuracies.
 */
public final class DetectorTraining {
    public static final String STAGE = "detector";
    /** The temporal forms, in head order. */
    public static final List<String> FORMS = List.of("ordered", "reversed", "shuffled", "slowed", "frozen");

    public static final class Settings extends StageSettings<Settings> {
        public int[] channels = {16, 32, 64, 128};
        public int validationClips = 64;

        Settings(Scale scale, RunMode mode) {
            super(scale, mode);
        }

        public static Settings defaults(Scale scale, RunMode mode) {
            Settings s = new Settings(scale, mode);
            s.steps(scale == Scale.TOY ? 3000 : 30_000).batch(16).lr(1e-3).warmup(100).emaDecay(0);
            s.validationClips = mode.samples(64);
            return s;
        }

        public static Settings defaults() {
            return defaults(Scale.current(), RunMode.current());
        }

        public Settings validationClips(int v) { validationClips = v; return this; }

        @Override
        public String stage() {
            return STAGE;
        }
    }

    private final Settings s;

    public DetectorTraining(Settings settings) {
        this.s = settings;
    }

    /** Clips as [N, 3, T, H, W] in [-1, 1] with their form and label indices (-1: no label). */
    record Batch(NDArray clips, int[] forms, Map<String, int[]> labels) {}

    /** A clip in one of the temporal forms: the frames of {@code clip} re-ordered, re-timed or held still. */
    public static List<RgbFrame> form(List<RgbFrame> clip, int form, SplittableRandom rng) {
        int t = clip.size();
        List<RgbFrame> out = new ArrayList<>(t);
        switch (FORMS.get(form)) {
            case "ordered" -> out.addAll(clip);
            case "reversed" -> {
                for (int i = t - 1; i >= 0; i--) {
                    out.add(clip.get(i));
                }
            }
            case "shuffled" -> {
                int[] p = new int[t];
                boolean identity = true;
                while (identity) {
                    for (int i = 0; i < t; i++) {
                        p[i] = i;
                    }
                    for (int i = t - 1; i > 0; i--) {
                        int j = rng.nextInt(i + 1);
                        int x = p[i];
                        p[i] = p[j];
                        p[j] = x;
                    }
                    identity = true;
                    for (int i = 0; i < t; i++) {
                        identity &= p[i] == i;
                    }
                }
                for (int i : p) {
                    out.add(clip.get(i));
                }
            }
            case "slowed" -> {
                for (int i = 0; i < t; i++) {
                    out.add(clip.get(i / 2));
                }
            }
            default -> {
                for (int i = 0; i < t; i++) {
                    out.add(clip.get(0));
                }
            }
        }
        return out;
    }

    /** [N, T, 3, H, W] clips as the network's [N, 3, T, H, W]. */
    static NDArray channelsFirst(NDArray videos) {
        return videos.transpose(0, 2, 1, 3, 4);
    }

    static final class Step implements TrainingStage<Batch> {
        private final ToyVideoNet net;
        private final ClipSampler clips;
        private final SceneLabels labels;
        private final int batch;

        Step(ToyVideoNet net, ClipSampler clips, SceneLabels labels, int batch) {
            this.net = net;
            this.clips = clips;
            this.labels = labels;
            this.batch = batch;
        }

        @Override
        public Module module() {
            return net;
        }

        @Override
        public Batch batch(StepContext ctx) {
            List<Clip> drawn = clips.clips(ctx, batch);
            List<Clip> formed = new ArrayList<>();
            int[] forms = new int[drawn.size()];
            Map<String, int[]> lab = new LinkedHashMap<>();
            labels.heads().keySet().forEach(h -> lab.put(h, new int[drawn.size()]));
            for (int i = 0; i < drawn.size(); i++) {
                forms[i] = ctx.random().nextInt(FORMS.size());
                SplittableRandom r = new SplittableRandom(ctx.random().nextLong());
                formed.add(Clip.of(drawn.get(i).id(), form(drawn.get(i).frameList(), forms[i], r)));
                Map<String, Integer> l = labels.of(drawn.get(i).id());
                for (String h : lab.keySet()) {
                    lab.get(h)[i] = l == null ? -1 : l.get(h);
                }
            }
            return new Batch(channelsFirst(VideoTensors.toTensor(ctx.manager(), formed)), forms, lab);
        }

        @Override
        public NDArray loss(Batch b, StepContext ctx) {
            NDArray f = net.features(b.clips());
            NDArray loss = crossEntropy(net.temporalLogits(f), b.forms(), ctx.manager());
            for (Map.Entry<String, int[]> e : b.labels().entrySet()) {
                if (java.util.Arrays.stream(e.getValue()).anyMatch(v -> v >= 0)) {
                    loss = loss.add(crossEntropy(net.labelLogits(e.getKey(), f), e.getValue(), ctx.manager()));
                }
            }
            return loss;
        }
    }

    /** Mean cross-entropy over the rows whose target is not -1. */
    static NDArray crossEntropy(NDArray logits, int[] targets, NDManager m) {
        long k = logits.getShape().get(1);
        float[] onehot = new float[targets.length * (int) k];
        int used = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] >= 0) {
                onehot[i * (int) k + targets[i]] = 1f;
                used++;
            }
        }
        NDArray picked = logits.logSoftmax(1).mul(m.create(onehot, new Shape(targets.length, k))).sum();
        return org.videoldm.nn.Ops.scale(picked, -1f / Math.max(1, used));
    }

    /** Trains (or resumes), measures held-out accuracies, exports {@code fvd_toy} and its card. */
    public StageResult run(TrainingListener listener) {
        long t0 = System.nanoTime();
        var done = StageRuns.finished(STAGE, s, CheckpointFolder.FVD_TOY);
        if (done.isPresent()) {
            return done.get();
        }
        // no flips: they would turn a left bend into a right one behind the curvature label's back
        ClipDataset ds = ClipDataset.scan(s.scale.clipOptions(s.seed).withFlip(false), s.holdOut(), s.dataDirs().toArray(new Path[0]));
        if (ds.train().size() == 0) {
            throw new IllegalArgumentException("data '" + s.data + "': no training clips (" + ds.summary().trim() + ")");
        }
        SceneLabels labels = SceneLabels.of(s.dataDirs());
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) s.seed);
            ToyVideoNet net = new ToyVideoNet(m, new ToyVideoNet.Config(s.channels, FORMS.size(), labels.heads()));
            net.setTrainable(k -> true);
            Step step = new Step(net, new ClipSampler(ds.train(), s.seed, 1, s.dataShares()), labels, s.batch);
            StageRuns.Timing timing;
            try (Trainer<Batch> t = new Trainer<>(step, StageRuns.trainerConfig(s))) {
                StageRuns.resumeOrStart(t, s);
                timing = StageRuns.runTo(t, s.steps, listener);
            }
            net.setTrainable(k -> false);
            Map<String, Double> metrics = new TreeMap<>();
            ClipSource val = ds.validation();
            for (String g : ClipSource.groups(val)) {
                accuracies(net, ClipSource.filtered(val, id -> id.startsWith(g + "/")), labels, g, metrics, m);
            }
            Path csv = s.runDirOrDefault().resolve(StageRuns.LOSS_CSV);
            double finalLoss = StageRuns.finalLoss(csv, 50);
            ModelCard card = new ModelCard(CheckpointFolder.FVD_TOY, STAGE, StageRuns.dataCard(s, ds), List.of(), net.config().toJson(), s.toJson(),
                    net.parameterCount(), net.parameterCount(), s.steps, s.batch, "clips", s.seed, StageRuns.trainingSeconds(csv),
                    ModelCard.Machine.current(), finalLoss, metrics,
                    List.of("The feature network of FVD-toy and FID-toy: pooled features of its last level (" + net.featureDim() + " values). "
                                    + "Trained on the training split only; the accuracies are on held-out clips (" + s.holdOut().rules().size()
                                    + " hold-out rules), per data source.",
                            "Temporal forms: " + String.join(", ", FORMS) + " (chance " + String.format(Locale.ROOT, "%.2f", 1.0 / FORMS.size())
                                    + "); scene labels: " + labels.describe() + "."));
            SavedNetwork.Meta meta = SavedNetwork.meta().frames(s.scale.frames()).frameSize(s.scale.height(), s.scale.width());
            Path file = StageRuns.export(s, CheckpointFolder.FVD_TOY, net, meta, card);
            StageRuns.markFinished(s.runDirOrDefault(), s.steps);
            return new StageResult(STAGE, file, s.outOrDefault().resolve(CheckpointFolder.FVD_TOY + ".md"), s.runDirOrDefault(), csv, s.steps,
                    timing.steps(), finalLoss, timing.secondsPerStep(), (System.nanoTime() - t0) / 1e9, metrics);
        }
    }

    /** Held-out accuracy of the temporal head (each clip in every form) and of each label head, into {@code metrics}. */
    private void accuracies(ToyVideoNet net, ClipSource clips, SceneLabels labels, String group, Map<String, Double> metrics, NDManager m) {
        int n = Math.min(s.validationClips, clips.size());
        if (n == 0) {
            return;
        }
        int formRight = 0;
        int formTotal = 0;
        Map<String, int[]> labelRight = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(s.seed);
        for (int i = 0; i < n; i++) {
            int index = (int) ((long) i * clips.size() / n);
            Clip c = clips.clip(index);
            try (NDManager sm = m.newSubManager()) {
                List<Clip> all = new ArrayList<>();
                for (int f = 0; f < FORMS.size(); f++) {
                    all.add(Clip.of(c.id(), form(c.frameList(), f, rng)));
                }
                NDArray feats = net.features(channelsFirst(VideoTensors.toTensor(sm, all)));
                int[] guess = net.temporalLogits(feats).argMax(1).toType(DataType.INT32, false).toIntArray();
                for (int f = 0; f < guess.length; f++) {
                    formRight += guess[f] == f ? 1 : 0;
                    formTotal++;
                }
                Map<String, Integer> l = labels.of(c.id());
                if (l != null) {
                    for (Map.Entry<String, Integer> e : l.entrySet()) {
                        int g = (int) net.labelLogits(e.getKey(), feats.get("0:1")).argMax(1).getLong();
                        int[] rt = labelRight.computeIfAbsent(e.getKey(), k -> new int[2]);
                        rt[0] += g == e.getValue() ? 1 : 0;
                        rt[1]++;
                    }
                }
            }
        }
        metrics.put("heldout_temporal_accuracy " + group, formRight / (double) formTotal);
        labelRight.forEach((h, rt) -> metrics.put("heldout_" + h + "_accuracy " + group, rt[0] / (double) rt[1]));
    }
}
