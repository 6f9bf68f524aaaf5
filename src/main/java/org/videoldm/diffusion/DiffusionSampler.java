package org.videoldm.diffusion;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.videoldm.util.Progress;
import org.videoldm.util.Seeds;

/**
 * sgm's {@code BaseDiffusionSampler}: integrates a {@link DenoiseFunction} from pure noise down a sigma schedule
 * (the discretization's {@code numSteps} sigmas and a final 0), with a {@link Guider} combining conditional and
 * unconditional predictions. As in the reference, the initial noise is scaled by {@code sqrt(1 + sigma_0^2)}.
 *
 * <p>Randomness inside the loop (churn, ancestral noise) is drawn from seeds derived from the caller's seed and
 * the step, so a seed fixes the whole run. Each step's arrays live in a sub-manager closed after the step.
 */
public abstract class DiffusionSampler {
    protected final Discretization discretization;
    protected final int numSteps;
    protected final Guider guider;
    private Progress.Mode progress = Progress.Mode.AUTO;

    protected DiffusionSampler(Discretization discretization, int numSteps, Guider guider) {
        if (numSteps < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": num_steps must be positive, got " + numSteps);
        }
        this.discretization = discretization;
        this.numSteps = numSteps;
        this.guider = guider == null ? new IdentityGuider() : guider;
    }

    /** Where the progress bar goes (AUTO: a bar on a terminal, otherwise quiet). */
    public DiffusionSampler progress(Progress.Mode mode) {
        this.progress = mode;
        return this;
    }

    public Guider guider() {
        return guider;
    }

    public int numSteps() {
        return numSteps;
    }

    /** The schedule: numSteps descending sigmas and a final 0. */
    public float[] sigmas() {
        return discretization.sigmas(numSteps, true);
    }

    /** Samples with no callback and seed 0 for any noise drawn inside the loop. */
    public NDArray sample(DenoiseFunction denoiser, NDArray noise, Conditioning cond, Conditioning uc) {
        return sample(denoiser, noise, cond, uc, 0L, null);
    }

    /** Samples from standard normal noise of {@code shape} drawn from {@code seed}. */
    public NDArray sample(DenoiseFunction denoiser, NDManager manager, Shape shape, Conditioning cond, Conditioning uc,
            long seed, SamplerCallback callback) {
        NDArray noise = Seeds.normal(manager, shape, Seeds.derive(seed, -1));
        NDArray out = sample(denoiser, noise, cond, uc, seed, callback);
        noise.close();
        return out;
    }

    /**
     * The reference's {@code __call__(denoiser, x, cond, uc)}.
     *
     * @param noise standard normal noise [N, ...]; not modified
     * @param uc the unconditional conditioning for guidance, or null to use {@code cond}
     * @param seed fixes noise drawn inside the loop (stochastic samplers)
     * @param callback called after each step, may be null
     * @return the sample at sigma 0, in the noise's manager
     */
    public NDArray sample(DenoiseFunction denoiser, NDArray noise, Conditioning cond, Conditioning uc, long seed, SamplerCallback callback) {
        float[] sigmas = sigmas();
        Conditioning u = uc == null ? cond : uc;
        NDManager parent = noise.getManager();
        int n = sigmas.length - 1;
        try (NDManager run = parent.newSubManager();
                Progress bar = Progress.start(getClass().getSimpleName(), n, 0, progress)) {
            float factor = (float) Math.sqrt(1.0f + sigmas[0] * sigmas[0]);
            NDArray x = Ops.scale(noise, factor);
            x.attach(run);
            Step state = new Step(sigmas, seed, run);
            for (int i = 0; i < n; i++) {
                try (NDManager sm = run.newSubManager()) {
                    x.attach(sm);
                    cond.tempAttach(sm);
                    u.tempAttach(sm);
                    state.begin(i, x, sm, denoiser, cond, u);
                    NDArray next = step(state);
                    bar.update(i + 1, String.format(Locale.ROOT, "sigma %.4g", sigmas[i + 1]));
                    if (callback != null) {
                        callback.onStep(new SamplerStep(i, n, sigmas[i], sigmas[i + 1], next, state.lastDenoised,
                                bar.throughput().iterationsPerSecond(), bar.throughput().etaSeconds()));
                    }
                    next.attach(run);
                    state.end();
                    x = next;
                }
            }
            x.attach(parent);
            return x;
        }
    }

    /** One step of the sampler from {@code s.sigma()} to {@code s.nextSigma()}; returns the new x. */
    protected abstract NDArray step(Step s);

    /** The loop state a step sees. */
    protected final class Step {
        private final float[] sigmas;
        private final long seed;
        private final NDManager run;
        private int index;
        private int draws;
        private NDArray x;
        private NDManager manager;
        private DenoiseFunction denoiser;
        private Conditioning cond;
        private Conditioning uc;
        private NDArray lastDenoised;
        private NDArray carry;
        private NDArray newCarry;

        Step(float[] sigmas, long seed, NDManager run) {
            this.sigmas = sigmas;
            this.seed = seed;
            this.run = run;
        }

        void begin(int i, NDArray x, NDManager m, DenoiseFunction d, Conditioning c, Conditioning u) {
            this.index = i;
            this.draws = 0;
            this.x = x;
            this.manager = m;
            this.denoiser = d;
            this.cond = c;
            this.uc = u;
            this.lastDenoised = null;
            this.newCarry = null;
        }

        void end() {
            if (newCarry != null) {
                if (carry != null) {
                    carry.close();
                }
                newCarry.attach(run);
                carry = newCarry;
            }
        }

        public int index() {
            return index;
        }

        /** sigmas.length - 1 steps in all. */
        public int numSigmas() {
            return sigmas.length;
        }

        public float sigma() {
            return sigmas[index];
        }

        public float nextSigma() {
            return sigmas[index + 1];
        }

        /** The previous step's sigma, NaN on the first step. */
        public float previousSigma() {
            return index == 0 ? Float.NaN : sigmas[index - 1];
        }

        public NDArray x() {
            return x;
        }

        public NDManager manager() {
            return manager;
        }

        /** The guided denoised estimate of {@code input} at noise level {@code sigma} (sgm's {@code denoise}). */
        public NDArray denoise(NDArray input, float sigma) {
            NDArray s = manager.full(new Shape(input.getShape().get(0)), sigma);
            Guider.Inputs in = guider.prepareInputs(input, s, cond, uc);
            NDArray d = guider.combine(denoiser.denoise(in.x(), in.sigma(), in.cond()), s);
            lastDenoised = d;
            return d;
        }

        /** Standard normal noise shaped like x, from a seed derived from the run's seed, the step and a counter. */
        public NDArray randn() {
            return Seeds.normal(manager, x.getShape(), Seeds.derive(seed, index, draws++));
        }

        /** A value the sampler kept from the previous step (DPM-Solver++'s old denoised), or null. */
        public NDArray carry() {
            return carry;
        }

        /** Keeps {@code value} for the next step. */
        public void setCarry(NDArray value) {
            newCarry = value;
        }
    }
}
