package org.videoldm.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipSource;
import org.videoldm.data.DataSpec;
import org.videoldm.data.HoldOut;
import org.videoldm.data.DataSources;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.stages.StageResult;
import org.videoldm.train.stages.StageSettings;
import org.videoldm.util.Progress;
import org.videoldm.util.Setting;

/**
 * The three settings every notebook starts from, and the folders that follow from them.
 * <ul>
 *   <li>{@code SCALE}: toy (CPU, minutes) or paper (CUDA box) network and frame sizes ({@link Scale});</li>
 *   <li>{@code DATA}: {@code synthetic} (procedural driving scenes, made on first use) or any folder of videos, relative
 *       to the project (e.g. {@code ../shared/datasets/driving});</li>
 *   <li>{@code MODE}: full, or smoke (a handful of steps and samples, for CI; same code path) ({@link RunMode}).</li>
 * </ul>
 * Each is read from the environment ({@code VIDEOLDM_SCALE}, {@code VIDEOLDM_DATA}, {@code VIDEOLDM_NOTEBOOK_MODE}) or
 * the matching system property, or set in the notebook with the withers. In full mode the notebooks share the
 * command line's run folders ({@code runs/<stage>}, networks in {@code runs/checkpoints}), so a stage trained by
 * {@code ./videoldm train} is resumed rather than repeated, and the other way round; smoke runs stay in
 * {@code target/notebooks/runs}.
 */
public final class Workbench {
    public static final String DATA_ENV = "VIDEOLDM_DATA";
    public static final String DATA_PROPERTY = "videoldm.data";

    public final Scale scale;
    public final String data;
    public final RunMode mode;
    public final Path root;

    public Workbench(Scale scale, String data, RunMode mode, Path root) {
        this.scale = scale;
        this.data = data;
        this.mode = mode;
        this.root = root;
    }

    /** Settings from the environment (defaults: toy, synthetic, full) and the project found from the working directory. */
    public static Workbench fromEnvironment() {
        ContextLoader.useLibraryLoader();
        String data = Setting.lookup(DATA_PROPERTY, DATA_ENV).orElse(DataSources.SYNTHETIC);
        // Relative to the working directory (the notebooks folder), so that printed paths name no machine folders.
        Path cwd = Path.of("").toAbsolutePath();
        Path relativeRoot = cwd.relativize(DataSources.projectRoot());
        return new Workbench(Scale.current(), data, RunMode.current(),
                relativeRoot.toString().isEmpty() ? Path.of(".") : relativeRoot);
    }

    public Workbench scale(Scale s) {
        return new Workbench(s, data, mode, root);
    }

    public Workbench data(String spec) {
        return new Workbench(scale, spec, mode, root);
    }

    public Workbench mode(RunMode m) {
        return new Workbench(scale, data, m, root);
    }

    /** Where stages keep their run folders. */
    public Path runs() {
        return mode == RunMode.SMOKE ? root.resolve("target").resolve("notebooks").resolve("runs") : root.resolve("runs");
    }

    /** Where the notebooks' trained networks are written and read. */
    public Path checkpoints() {
        return runs().resolve("checkpoints");
    }

    /** The networks shipped with the project (trained on the driving clips at toy scale). */
    public Path shippedCheckpoints() {
        return root.resolve(CheckpointFolder.SHIPPED_TOY);
    }

    /** Points a stage at this workbench: data, run folder, networks in and out, progress as plain lines. */
    public <S extends StageSettings<S>> S stage(S settings) {
        return settings.data(data).projectRoot(root).runDir(runs().resolve(settings.command())).checkpoints(checkpoints()).out(checkpoints())
                .progress(Progress.Mode.LINES);
    }

    /** The clips of the data at this scale (train and held-out validation split). */
    public ClipDataset clips(long seed) {
        Path rules = root.resolve(StageSettings.DEFAULT_HOLDOUT);
        HoldOut holdOut = Files.isRegularFile(rules) ? HoldOut.read(rules) : HoldOut.none();
        List<Path> dirs = DataSpec.parse(data).resolve(root, StageSettings.synthetic(scale));
        return ClipDataset.scan(scale.clipOptions(seed), holdOut, dirs.toArray(new Path[0]));
    }

    /**
     * Held-out clips of the data (validation split under the hold-out rules) that are real footage, i.e. not from a
     * procedural folder ({@code synthetic*}); {@link #heldOutProcedural} the others.
     */
    public ClipSource heldOutReal(long seed) {
        return ClipSource.filtered(clips(seed).validation(), id -> !id.startsWith(DataSources.SYNTHETIC));
    }

    public ClipSource heldOutProcedural(long seed) {
        return ClipSource.filtered(clips(seed).validation(), id -> id.startsWith(DataSources.SYNTHETIC));
    }

    /** Samples to draw for a full-mode count (a handful in smoke mode). */
    public int samples(int full) {
        return mode.samples(full);
    }

    /** Optimizer steps for a full-mode count (a handful in smoke mode). */
    public long steps(long full) {
        return mode.steps(full);
    }

    /** Sampler steps for a full-mode count (2 in smoke mode). */
    public int samplerSteps(int full) {
        return mode == RunMode.SMOKE ? Math.min(full, 2) : full;
    }

    /** A one-line summary for the first output cell. */
    public String describe() {
        return String.format(Locale.ROOT, "scale %s (%dx%d frames, clips of %d at %.3g fps), data %s, mode %s; runs in %s; %d threads", scale.key(),
                scale.height(), scale.width(), scale.frames(), scale.targetFps(), data, mode.key(), relative(runs()),
                Runtime.getRuntime().availableProcessors());
    }

    /** A stage result's summary line, with paths relative to the project. */
    public String summary(StageResult r) {
        return r.summary().replace(root.toAbsolutePath().normalize() + java.io.File.separator, "");
    }

    /** {@code path} relative to the project root when inside it (notebook outputs should not show machine paths). */
    public String relative(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        return abs.startsWith(r) ? r.relativize(abs).toString() : path.toString();
    }

    /** Whether a file exists, relative paths taken from the project root. */
    public boolean exists(String relativePath) {
        return Files.exists(root.resolve(relativePath));
    }
}
