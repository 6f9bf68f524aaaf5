package org.videoldm.train.stages;

import java.nio.file.Path;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.RunMode;
import org.videoldm.train.Scale;

/**
 * What the latent diffusion stages share: the autoencoder whose latents they train on, EDM preconditioning and
 * log-normal training sigmas, random mirroring, and the sampling steps of their previews.
 *
 * @param <S> the stage's own settings class
 */
public abstract class LatentDiffusionSettings<S extends LatentDiffusionSettings<S>> extends StageSettings<S> {
    /** The autoencoder; default {@code autoencoder.safetensors} in the checkpoints folder. */
    public Path autoencoder;
    public double sigmaData = 0.5;
    /** Training sigmas log-normal(pMean, pStd); each stage chooses its own (see {@link #sigmaSampling}). */
    public double pMean;
    public double pStd;
    /** Mirror latents left-right at random. */
    public boolean flip = true;
    /** Sampling steps of the preview after training (a couple in smoke mode). */
    public int previewSteps;

    /** Settings with training sigmas log-normal({@code pMean}, {@code pStd}). */
    protected LatentDiffusionSettings(Scale scale, RunMode mode, double pMean, double pStd) {
        super(scale, mode);
        this.pMean = pMean;
        this.pStd = pStd;
        this.previewSteps = mode == RunMode.SMOKE ? 2 : 25;
    }

    public S autoencoder(Path v) { autoencoder = v; return self(); }
    public S sigmaData(double v) { sigmaData = v; return self(); }
    public S sigmaSampling(double mean, double std) { pMean = mean; pStd = std; return self(); }
    public S flip(boolean v) { flip = v; return self(); }
    public S previewSteps(int v) { previewSteps = v; return self(); }

    public Path autoencoderOrDefault() {
        return networkOrDefault(autoencoder, CheckpointFolder.AUTOENCODER);
    }
}
