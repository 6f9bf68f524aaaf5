package org.videoldm.train.stages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;

/**
 * Latent diffusion settings with optional scene-label conditioning (day/night, crowdedness) and its dropout for
 * classifier-free guidance.
 *
 * @param <S> the stage's own settings class
 */
public abstract class LabelledSettings<S extends LabelledSettings<S>> extends LatentDiffusionSettings<S> {
    /**
     * Scene-label conditioning through the UNet's vector input; {@link #labelFiles} add label files to the sidecars
     * and the procedural scenes' exact labels.
     */
    public boolean labels;
    public List<Path> labelFiles = new ArrayList<>();
    /** Label (or caption) dropout for classifier-free guidance (per label group; captions become the empty prompt). */
    public double ucgRate = 0.1;

    protected LabelledSettings(Scale scale, RunMode mode, double pMean, double pStd) {
        super(scale, mode, pMean, pStd);
    }

    public S labels(boolean on, List<Path> files) { labels = on; labelFiles = new ArrayList<>(files); return self(); }
    public S ucgRate(double v) { ucgRate = v; return self(); }

    /** The command-line options of label conditioning, or nothing without it. */
    protected String labelOptions() {
        return conditioningOptions("--labels", labels, labelFiles);
    }

    /** {@code flag} with its files and the dropout rate when {@code on}, else nothing. */
    protected String conditioningOptions(String flag, boolean on, List<Path> files) {
        StringBuilder sb = new StringBuilder();
        if (on) {
            sb.append(' ').append(flag);
            files.forEach(f -> sb.append(' ').append(f));
            sb.append(" --ucg-rate ").append(ucgRate);
        }
        return sb.toString();
    }
}
