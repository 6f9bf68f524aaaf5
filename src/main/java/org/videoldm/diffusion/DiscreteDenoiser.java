package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * sgm's {@code DiscreteDenoiser} for networks trained on a fixed set of DDPM timesteps: a sigma is snapped
 * to the nearest of the {@code num_idx} training sigmas, and the network is told the index of that sigma
 * (the DDPM timestep) instead of the sigma itself.
 *
 * <p>{@link TimestepMode#INTERPOLATED} instead keeps sigma as it is and passes a fractional timestep,
 * interpolated linearly in log sigma between the two neighbouring grid points, for schedules (Karras)
 * whose sigmas fall between the training sigmas.
 */
public class DiscreteDenoiser extends Denoiser {
    /** How a sigma becomes the network's timestep. */
    public enum TimestepMode {
        /** The reference ({@code quantize_c_noise=True}): nearest grid sigma, its integer index as c_noise. */
        NEAREST,
        /** {@code quantize_c_noise=False}: sigma snapped to the grid, c_noise passed on unchanged. */
        SIGMA,
        /** Sigma unchanged, c_noise a fractional index from log-sigma interpolation. */
        INTERPOLATED
    }

    private final float[] sigmas;
    private final TimestepMode mode;
    private final boolean ascending;

    /**
     * @param sigmas the grid in index order (for SD: the 1000 DDPM sigmas, ascending in t)
     */
    public DiscreteDenoiser(DenoiserScaling scaling, float[] sigmas, TimestepMode mode) {
        super(scaling);
        if (sigmas.length < 2) {
            throw new IllegalArgumentException("discrete denoiser: need at least 2 grid sigmas, got " + sigmas.length);
        }
        this.sigmas = sigmas.clone();
        this.mode = mode;
        boolean asc = true;
        for (int i = 1; i < sigmas.length; i++) {
            asc &= sigmas[i] > sigmas[i - 1];
        }
        this.ascending = asc;
        if (mode == TimestepMode.INTERPOLATED) {
            for (int i = 1; i < sigmas.length; i++) {
                if (!(sigmas[i] > sigmas[i - 1]) || !(sigmas[i - 1] > 0)) {
                    throw new IllegalArgumentException("discrete denoiser: interpolated timesteps need a positive ascending grid (index " + i + ")");
                }
            }
        }
    }

    /**
     * The reference's construction: {@code discretization(num_idx, do_append_zero, flip)} gives the grid.
     * SD uses {@code LegacyDDPMDiscretization}, num_idx 1000, no zero, flipped (ascending in t).
     */
    public static DiscreteDenoiser of(DenoiserScaling scaling, Discretization discretization, int numIdx,
            boolean doAppendZero, boolean flip, TimestepMode mode) {
        float[] desc = discretization.sigmas(numIdx, doAppendZero);
        float[] grid = new float[desc.length];
        for (int i = 0; i < desc.length; i++) {
            grid[i] = flip ? desc[desc.length - 1 - i] : desc[i];
        }
        return new DiscreteDenoiser(scaling, grid, mode);
    }

    /** Stable Diffusion's noise-prediction denoiser over the 1000 DDPM steps. */
    public static DiscreteDenoiser legacyDDPM(DenoiserScaling scaling) {
        return of(scaling, new LegacyDDPMDiscretization(), 1000, false, true, TimestepMode.NEAREST);
    }

    public int numIdx() {
        return sigmas.length;
    }

    public TimestepMode mode() {
        return mode;
    }

    public float idxToSigma(int idx) {
        return sigmas[idx];
    }

    /** argmin over the grid of |sigma - grid[i]|, the first on ties (torch's argmin). */
    public int sigmaToIdx(float sigma) {
        if (ascending && !Float.isNaN(sigma)) {
            // the nearest is one of the two grid points around sigma; the lower wins a tie, as in a scan
            int hi = java.util.Arrays.binarySearch(sigmas, sigma);
            if (hi >= 0) {
                return hi;
            }
            hi = -hi - 1;
            if (hi == 0) {
                return 0;
            }
            if (hi == sigmas.length) {
                return sigmas.length - 1;
            }
            return Math.abs(sigma - sigmas[hi]) < Math.abs(sigma - sigmas[hi - 1]) ? hi : hi - 1;
        }
        int best = 0;
        float bestDist = Math.abs(sigma - sigmas[0]);
        for (int i = 1; i < sigmas.length; i++) {
            float d = Math.abs(sigma - sigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    /** The fractional index whose log-interpolated grid sigma is {@code sigma}, clamped to the grid's range. */
    public double sigmaToT(float sigma) {
        if (sigma <= sigmas[0]) {
            return 0;
        }
        int last = sigmas.length - 1;
        if (sigma >= sigmas[last]) {
            return last;
        }
        int lo = 0;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (sigmas[mid] <= sigma) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double w = (Math.log(sigma) - Math.log(sigmas[lo])) / (Math.log(sigmas[hi]) - Math.log(sigmas[lo]));
        return lo + w;
    }

    @Override
    public NDArray possiblyQuantizeSigma(NDArray sigma) {
        if (mode == TimestepMode.INTERPOLATED) {
            return sigma;
        }
        float[] s = sigma.toType(DataType.FLOAT32, false).toFloatArray();
        float[] q = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            q[i] = sigmas[sigmaToIdx(s[i])];
        }
        return sigma.getManager().create(q, sigma.getShape());
    }

    @Override
    public NDArray possiblyQuantizeCNoise(NDArray cNoise) {
        if (mode == TimestepMode.SIGMA) {
            return cNoise;
        }
        float[] c = cNoise.toType(DataType.FLOAT32, false).toFloatArray();
        float[] t = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            t[i] = mode == TimestepMode.NEAREST ? sigmaToIdx(c[i]) : (float) sigmaToT(c[i]);
        }
        return cNoise.getManager().create(t, cNoise.getShape());
    }
}
