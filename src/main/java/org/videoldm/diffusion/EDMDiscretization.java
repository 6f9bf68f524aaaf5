package org.videoldm.diffusion;

/** Karras et al. (EDM) sigmas: {@code (max^(1/rho) + i/(n-1) * (min^(1/rho) - max^(1/rho)))^rho}. */
public final class EDMDiscretization implements Discretization {
    private final double sigmaMin;
    private final double sigmaMax;
    private final double rho;

    public EDMDiscretization(double sigmaMin, double sigmaMax, double rho) {
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin && rho > 0)) {
            throw new IllegalArgumentException("EDM: need 0 < sigma_min < sigma_max and rho > 0, got " + sigmaMin + ", " + sigmaMax + ", " + rho);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.rho = rho;
    }

    /** The descending EDM schedule (the reference computes it already from sigma_max down). */
    private float[] descending(int n) {
        float minInv = (float) Math.pow(sigmaMin, 1.0 / rho);
        float maxInv = (float) Math.pow(sigmaMax, 1.0 / rho);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float ramp = n == 1 ? 0f : (float) i / (n - 1);
            out[i] = (float) Math.pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        return out;
    }

    @Override
    public float[] sigmasAscending(int n) {
        float[] d = descending(n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = d[n - 1 - i];
        }
        return a;
    }
}
