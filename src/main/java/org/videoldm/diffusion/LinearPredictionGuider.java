package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import org.videoldm.nn.Ops;

/**
 * Stable Video Diffusion's guidance: classifier-free guidance whose scale rises linearly over the frames of
 * each video, from {@code min_scale} at the first frame to {@code max_scale} at the last (frames inner in the
 * batch, {@code (b t)}).
 */
public final class LinearPredictionGuider implements Guider {
    private final int numFrames;
    private final float[] scale;

    public LinearPredictionGuider(double maxScale, int numFrames) {
        this(maxScale, numFrames, 1.0);
    }

    public LinearPredictionGuider(double maxScale, int numFrames, double minScale) {
        if (numFrames < 1) {
            throw new IllegalArgumentException("LinearPredictionGuider: num_frames must be positive, got " + numFrames);
        }
        this.numFrames = numFrames;
        this.scale = linspace((float) minScale, (float) maxScale, numFrames);
    }

    /** torch.linspace in float32: the first half counts up from start, the second half down from end. */
    static float[] linspace(float start, float end, int n) {
        float[] out = new float[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            out[i] = i < half ? start + step * i : end - step * (n - 1 - i);
        }
        return out;
    }

    /** The guidance scale of each frame. */
    public float[] scales() {
        return scale.clone();
    }

    @Override
    public Inputs prepareInputs(NDArray x, NDArray sigma, Conditioning c, Conditioning uc) {
        return new Inputs(Ops.cat(0, x, x), Ops.cat(0, sigma, sigma), uc.concatBatch(c));
    }

    @Override
    public NDArray combine(NDArray denoised, NDArray sigma) {
        NDArray[] h = VanillaCFG.halves(denoised);
        long rows = h[0].getShape().get(0);
        if (rows % numFrames != 0) {
            throw new IllegalArgumentException("LinearPredictionGuider: " + rows + " rows are not whole videos of " + numFrames + " frames");
        }
        float[] perRow = new float[(int) rows];
        for (int r = 0; r < rows; r++) {
            perRow[r] = scale[r % numFrames];
        }
        NDArray s = denoised.getManager().create(perRow).reshape(Denoiser.columnShape(h[0]));
        return h[0].add(s.mul(h[1].sub(h[0])));
    }
}
