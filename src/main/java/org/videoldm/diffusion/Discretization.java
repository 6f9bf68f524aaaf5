package org.videoldm.diffusion;

/** A noise-level schedule: n sigmas in descending order, optionally with a final 0 (sgm's Discretization). */
public interface Discretization {
    /** The n sigmas in ascending order of noise (the reference's {@code get_sigmas}, before its flip). */
    float[] sigmasAscending(int n);

    /** The sampler schedule: descending sigmas, with a trailing zero when {@code appendZero}. */
    default float[] sigmas(int n, boolean appendZero) {
        float[] asc = sigmasAscending(n);
        float[] out = new float[asc.length + (appendZero ? 1 : 0)];
        for (int i = 0; i < asc.length; i++) {
            out[i] = asc[asc.length - 1 - i];
        }
        return out;
    }
}
