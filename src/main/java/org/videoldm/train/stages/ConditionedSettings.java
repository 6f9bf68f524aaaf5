package org.videoldm.train.stages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;

/**
 * Latent diffusion settings conditioned on scene labels or on captions: the image LDM and its temporal alignment.
 *
 * @param <S> the stage's own settings class
 */
public abstract class ConditionedSettings<S extends ConditionedSettings<S>> extends LabelledSettings<S> {
    /** Classifier-free guidance scale of the text-conditioned preview. */
    public double previewGuidance = 5.0;
    /**
     * Text conditioning: each clip's caption through the text encoder as cross-attention context; {@link #captionFiles}
     * add caption files to the sidecars and procedural captions. Captioned clips are never mirrored (captions may say
     * left or right).
     */
    public boolean captions;
    public List<Path> captionFiles = new ArrayList<>();

    protected ConditionedSettings(Scale scale, RunMode mode, double pMean, double pStd) {
        super(scale, mode, pMean, pStd);
    }

    public S previewGuidance(double v) { previewGuidance = v; return self(); }
    public S captions(boolean on, List<Path> files) { captions = on; captionFiles = new ArrayList<>(files); return self(); }

    /** The command-line options of text conditioning, or nothing without it. */
    protected String captionOptions() {
        return conditioningOptions("--captions", captions, captionFiles);
    }
}
