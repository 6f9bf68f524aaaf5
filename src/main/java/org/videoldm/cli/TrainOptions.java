package org.videoldm.cli;

import java.nio.file.Path;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.stages.StageResult;
import org.videoldm.train.stages.StageSettings;
import picocli.CommandLine.Option;

/** Options every {@code train} subcommand takes; unset ones keep the stage's defaults for the scale. */
final class TrainOptions {
    @Option(names = "--data", description = "'synthetic' (procedural clips, made on first use), a folder of videos, or several joined by '+', "
            + "each with an optional share of the samples after '=', e.g. synthetic=0.5+../my/videos (default: synthetic).")
    String data;

    @Option(names = "--holdout", paramLabel = "FILE", description = "Hold-out rules (default: datasets/holdout.txt of the project when it exists).")
    Path holdout;

    @Option(names = "--steps", description = "Optimizer steps in total (a resumed run trains the missing ones; default: the stage's for the scale).")
    Long steps;

    @Option(names = "--batch", description = "Samples per step (frames or clips, as the stage says; default: the stage's).")
    Integer batch;

    @Option(names = "--lr", description = "Learning rate (default: the stage's).")
    Double lr;

    @Option(names = "--seed", description = "Seed of initialisation, data order and noise (default: 0).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Where NAME.safetensors and NAME.md are written (default: runs/checkpoints).")
    Path out;

    @Option(names = "--checkpoints", paramLabel = "DIR", description = "Where parent networks are read (default: --out).")
    Path checkpoints;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder: trainer checkpoint, loss CSV, previews (default: runs/<stage>).")
    Path runDir;

    @Option(names = "--scale", description = "toy or paper (default: videoldm.scale / VIDEOLDM_SCALE, else toy).")
    String scale;

    @Option(names = "--mode", description = "full or smoke (smoke: a handful of steps; default: videoldm.mode / VIDEOLDM_NOTEBOOK_MODE, else full).")
    String mode;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Continue from the run folder's checkpoint if there is one (default); --no-resume starts afresh.")
    boolean resume;

    @Option(names = "--float32", description = "Export float32 weights instead of float16.")
    boolean float32;

    Scale scale() {
        return scale == null ? Scale.current() : Scale.parse(scale);
    }

    RunMode mode() {
        return mode == null ? RunMode.current() : RunMode.parse(mode);
    }

    /** Applies the options that were given. */
    <S extends StageSettings<S>> S apply(S s) {
        if (holdout != null) {
            s.holdout(holdout);
        }
        if (data != null) {
            s.data(data);
        }
        if (steps != null) {
            s.steps(steps);
        }
        if (batch != null) {
            s.batch(batch);
        }
        if (lr != null) {
            s.lr(lr);
        }
        if (seed != null) {
            s.seed(seed);
        }
        if (out != null) {
            s.out(out);
        }
        if (checkpoints != null) {
            s.checkpoints(checkpoints);
        }
        if (runDir != null) {
            s.runDir(runDir);
        }
        return s.resume(resume).float16(!float32);
    }

    static int report(StageResult r) {
        System.out.println(r.summary());
        if (r.card() != null) {
            System.out.println("card: " + r.card());
        }
        return 0;
    }
}
