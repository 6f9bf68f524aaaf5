package org.videoldm.train.stages;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.videoldm.data.DataSources;
import org.videoldm.data.DataSpec;
import org.videoldm.data.HoldOut;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.util.Progress;

/**
 * What every training stage is told: the scale and run mode its defaults come from, the data, where the run keeps its
 * resumable state ({@code runs/<stage>/}), where parent networks are read from and the trained one is written to,
 * and the optimisation basics. Fields are public and the setters fluent, so a notebook overrides what it wants:
 * {@code ImageLDMTraining.Settings.defaults(Scale.TOY, RunMode.FULL).steps(500).lr(1e-4)}.
 *
 * @param <S> the stage's own settings class
 */
public abstract class StageSettings<S extends StageSettings<S>> {
    public final Scale scale;
    public final RunMode mode;
    /** {@code synthetic}, a folder of videos, or several joined by {@code +} with shares (see {@link DataSpec}). */
    public String data = DataSources.SYNTHETIC;
    /**
     * Hold-out rules ({@link HoldOut}); default {@code datasets/holdout.txt} of the project when it exists, else the
     * seeded whole-video split.
     */
    public Path holdout;
    public Path projectRoot = DataSources.projectRoot();
    /** The run folder (trainer checkpoint, loss CSV, previews); default {@code runs/<stage>} of the project. */
    public Path runDir;
    /** Where parent networks are read (autoencoder, image LDM, ...); default: the output folder. */
    public Path checkpoints;
    /** Where the trained network and its card are written; default {@code runs/checkpoints} of the project. */
    public Path out;
    /** Optimizer steps in total: a resumed run trains only the steps still missing. */
    public long steps;
    /** Samples per optimizer step (frames or clips, as the stage says). */
    public int batch;
    public double lr;
    public long warmup;
    /** EMA decay of the trained weights (0: none); exported networks carry the EMA weights. */
    public double emaDecay;
    public double gradClip = 1.0;
    public long seed = 0;
    public long checkpointEvery = 100;
    /** Continue from the run folder's checkpoint if there is one; otherwise start afresh (overwriting it). */
    public boolean resume = true;
    /** Export float16 weights (half the size; they load back into float32 modules). */
    public boolean float16 = true;
    public transient Progress.Mode progress = Progress.Mode.AUTO;

    protected StageSettings(Scale scale, RunMode mode) {
        this.scale = scale;
        this.mode = mode;
    }

    /** The stage's name: its run folder under {@code runs/} and its name on the command line. */
    public abstract String stage();

    /** The stage's {@code videoldm train} subcommand. */
    public String command() {
        return stage().replace('_', '-');
    }

    /** The command line that repeats this run (data, scale, seed, steps; output folder as given). */
    public String commandLine() {
        return String.format(java.util.Locale.ROOT, "./videoldm train %s --data %s --scale %s --seed %d --steps %d", command(), data, scale.key(), seed, steps);
    }

    @SuppressWarnings("unchecked")
    protected S self() {
        return (S) this;
    }

    public S data(String v) { data = v; return self(); }
    public S holdout(Path v) { holdout = v; return self(); }
    public S projectRoot(Path v) { projectRoot = v; return self(); }
    public S runDir(Path v) { runDir = v; return self(); }
    public S checkpoints(Path v) { checkpoints = v; return self(); }
    public S out(Path v) { out = v; return self(); }
    /** Steps in total, cut to a handful in smoke mode. */
    public S steps(long v) { steps = mode.steps(v); return self(); }
    public S batch(int v) { batch = v; return self(); }
    public S lr(double v) { lr = v; return self(); }
    public S warmup(long v) { warmup = v; return self(); }
    public S emaDecay(double v) { emaDecay = v; return self(); }
    public S gradClip(double v) { gradClip = v; return self(); }
    public S seed(long v) { seed = v; return self(); }
    public S checkpointEvery(long v) { checkpointEvery = v; return self(); }
    public S resume(boolean v) { resume = v; return self(); }
    public S float16(boolean v) { float16 = v; return self(); }
    public S progress(Progress.Mode v) { progress = v; return self(); }

    /** Progress of preview sampling: quiet unless another mode than {@code AUTO} was asked for. */
    public Progress.Mode previewProgress() {
        return progress == Progress.Mode.AUTO ? Progress.Mode.QUIET : progress;
    }

    public Path runDirOrDefault() {
        return runDir != null ? runDir : projectRoot.resolve("runs").resolve(command()); // named as the subcommand, as scripts/train-toy.sh names them
    }

    public Path outOrDefault() {
        return out != null ? out : projectRoot.resolve("runs").resolve("checkpoints");
    }

    public Path checkpointsOrDefault() {
        return checkpoints != null ? checkpoints : outOrDefault();
    }

    /** The folder parent networks are read from. */
    protected CheckpointFolder checkpointFolder() {
        return CheckpointFolder.of(checkpointsOrDefault());
    }

    /** A parent network: {@code given} when set, else {@code name} in the checkpoints folder (an error saying how to make it if missing). */
    protected Path networkOrDefault(Path given, String name) {
        return given != null ? given : checkpointFolder().require(name);
    }

    /** The data sources. */
    public DataSpec dataSpec() {
        return DataSpec.parse(data);
    }

    /** The data folders (rendering the synthetic set of this scale on first use). */
    public List<Path> dataDirs() {
        return dataSpec().resolve(projectRoot, synthetic(scale));
    }

    /** The hold-out rules in force: {@link #holdout}, else the project's {@code datasets/holdout.txt}, else none. */
    public HoldOut holdOut() {
        Path p = holdout != null ? holdout : projectRoot.resolve(DEFAULT_HOLDOUT);
        if (holdout == null && !Files.isRegularFile(p)) {
            return HoldOut.none();
        }
        return HoldOut.read(p);
    }

    /** Each data source's share of the training samples, by folder name ({@link DataSpec#shares}). */
    public java.util.Map<String, Double> dataShares() {
        return dataSpec().shares(dataDirs());
    }

    /** Where the project keeps its hold-out rules. */
    public static final String DEFAULT_HOLDOUT = "datasets/holdout.txt";

    /** The synthetic dataset of a scale: clips long enough for one clip of T frames at the scale's rate. */
    public static DataSources.Synthetic synthetic(Scale scale) {
        double step = org.videoldm.data.SyntheticDriving.FPS / scale.targetFps();
        int span = (int) Math.ceil((scale.frames() - 1) * step) + 1;
        return new DataSources.Synthetic(scale.syntheticClips(), span + (span % 2), scale.height(), scale.width(), 0);
    }

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
            .registerTypeHierarchyAdapter(Path.class, (JsonSerializer<Path>) (p, t, c) -> new JsonPrimitive(p.toString()))
            .create();

    /** The settings as JSON (for model cards and run folders); project-specific paths are left out. */
    public JsonObject toJson() {
        JsonObject o = GSON.toJsonTree(this).getAsJsonObject();
        o.remove("projectRoot");
        o.remove("runDir");
        o.remove("checkpoints");
        o.remove("out");
        List<String> order = jsonOrder();
        if (order.isEmpty()) {
            return o;
        }
        JsonObject ordered = new JsonObject();
        for (String key : order) {
            if (o.has(key)) {
                ordered.add(key, o.get(key));
            }
        }
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!ordered.has(e.getKey())) {
                ordered.add(e.getKey(), e.getValue());
            }
        }
        return ordered;
    }

    /**
     * The order of the stage's own settings in {@link #toJson}, before the common ones; empty: declaration order. Stages
     * whose settings are partly inherited from shared settings classes list theirs here, so that model cards keep
     * showing them as they always have (JSON in field order would put the inherited ones last). Unlisted keys follow.
     */
    protected List<String> jsonOrder() {
        return List.of();
    }
}
