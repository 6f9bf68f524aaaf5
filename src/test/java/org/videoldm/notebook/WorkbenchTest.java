package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;
import org.videoldm.train.stages.ImageLDMTraining;
import org.videoldm.train.stages.TemporalAlignment;
import org.videoldm.util.Progress;

class WorkbenchTest {
    final Path root = Path.of("project");

    @Test
    void fullRunsShareTheCommandLinesFoldersSmokeRunsStayInTarget() {
        Workbench full = new Workbench(Scale.TOY, "synthetic", RunMode.FULL, root);
        assertEquals(root.resolve("runs"), full.runs());
        assertEquals(root.resolve("runs/checkpoints"), full.checkpoints());
        Workbench smoke = full.mode(RunMode.SMOKE);
        assertEquals(root.resolve("target/notebooks/runs"), smoke.runs());
        assertEquals(4, smoke.steps(600));
        assertEquals(600, full.steps(600));
        assertEquals(2, smoke.samplerSteps(30));
    }

    @Test
    void stagesArePointedAtTheWorkbench() {
        Workbench wb = new Workbench(Scale.TOY, "../videos", RunMode.SMOKE, root);
        TemporalAlignment.Settings s = wb.stage(TemporalAlignment.Settings.defaults(wb.scale, wb.mode));
        assertEquals("../videos", s.data);
        assertEquals(root.resolve("target/notebooks/runs/temporal"), s.runDirOrDefault());
        assertEquals(wb.checkpoints(), s.outOrDefault());
        assertEquals(wb.checkpoints(), s.checkpointsOrDefault());
        assertEquals(Progress.Mode.LINES, s.progress);
        assertEquals(RunMode.SMOKE.steps(s.steps), s.steps);
        // run folders are named as the subcommand, as the command line and scripts/train-toy.sh name them
        assertEquals(root.resolve("target/notebooks/runs/image-ldm"), wb.stage(ImageLDMTraining.Settings.defaults(wb.scale, wb.mode)).runDirOrDefault());
        assertEquals(Path.of("p/runs/image-ldm"), ImageLDMTraining.Settings.defaults(wb.scale, wb.mode).projectRoot(Path.of("p")).runDirOrDefault());
    }

    @Test
    void printedPathsAreRelativeToTheProject() {
        Path abs = Path.of("").toAbsolutePath().resolve("project");
        Workbench wb = new Workbench(Scale.TOY, "synthetic", RunMode.FULL, abs);
        assertEquals("runs/checkpoints", wb.relative(wb.checkpoints()));
        assertFalse(wb.describe().contains(abs.toString()), wb.describe());
    }
}
