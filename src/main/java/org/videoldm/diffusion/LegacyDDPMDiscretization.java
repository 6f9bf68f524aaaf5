package org.videoldm.diffusion;

/**
 * Stable Diffusion's DDPM schedule: scaled-linear betas, {@code sigma_t = sqrt((1 - abar_t) / abar_t)}.
 * The ratio is formed in float64 and rounded to float32 before the square root, as the reference does.
 */
public final class LegacyDDPMDiscretization implements Discretization {
    public static final double SD_LINEAR_START = 0.00085;
    public static final double SD_LINEAR_END = 0.012;

    private final int numTimesteps;
    private final double[] alphasCumprod;

    public LegacyDDPMDiscretization() {
        this(SD_LINEAR_START, SD_LINEAR_END, 1000);
    }

    public LegacyDDPMDiscretization(double linearStart, double linearEnd, int numTimesteps) {
        if (numTimesteps < 2) {
            throw new IllegalArgumentException("num_timesteps must be at least 2, got " + numTimesteps);
        }
        this.numTimesteps = numTimesteps;
        this.alphasCumprod = new double[numTimesteps];
        double a = Math.sqrt(linearStart);
        double b = Math.sqrt(linearEnd);
        double prod = 1.0;
        for (int i = 0; i < numTimesteps; i++) {
            double s = a + (b - a) * i / (numTimesteps - 1);
            prod *= 1.0 - s * s;
            alphasCumprod[i] = prod;
        }
    }

    public int numTimesteps() {
        return numTimesteps;
    }

    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** The DDPM step indices that n sampling steps visit, ascending (generate_roughly_equally_spaced_steps). */
    public static long[] roughlyEquallySpacedSteps(int n, int maxStep) {
        long[] out = new long[n];
        double start = maxStep - 1;
        for (int i = 0; i < n; i++) {
            // np.linspace(max_step - 1, 0, n, endpoint=False).astype(int), then reversed
            double v = start + (0 - start) * i / n;
            out[n - 1 - i] = (long) v;
        }
        return out;
    }

    /** sigma at DDPM index t, float32 exactly as the reference rounds it. */
    public float sigmaAt(int t) {
        double ac = alphasCumprod[t];
        return (float) Math.sqrt((float) ((1 - ac) / ac));
    }

    /** All {@code num_timesteps} sigmas, ascending in t: the grid a discrete denoiser snaps to. */
    public float[] allSigmas() {
        float[] s = new float[numTimesteps];
        for (int t = 0; t < numTimesteps; t++) {
            s[t] = sigmaAt(t);
        }
        return s;
    }

    @Override
    public float[] sigmasAscending(int n) {
        if (n > numTimesteps || n < 1) {
            throw new IllegalArgumentException("LegacyDDPM: n must be in 1.." + numTimesteps + ", got " + n);
        }
        if (n == numTimesteps) {
            return allSigmas();
        }
        long[] steps = roughlyEquallySpacedSteps(n, numTimesteps);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = sigmaAt((int) steps[i]);
        }
        return s;
    }
}
