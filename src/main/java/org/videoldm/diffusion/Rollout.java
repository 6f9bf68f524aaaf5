package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.videoldm.nn.Ops;
import org.videoldm.util.Seeds;

/**
 * Long videos from a prediction model (paper Sec. 3.2): sample a T-frame window, take its last S frames as the
 * context of the next window ({@link ContextMask}), and repeat until N frames exist. The first window is conditioned
 * on given context frames, or on none (S = 0) when there are none. Window w draws its noise from a seed derived
 * from the caller's seed and w, so a seed fixes the whole video.
 */
public final class Rollout {
    private final DiffusionSampler sampler;
    private final DenoiseFunction denoiser;
    private final int windowFrames;
    private final int contextFrames;
    private DiffusionSampler firstWindowSampler;
    private SamplerCallback stepCallback;

    /**
     * @param windowFrames T, the frames the model generates at once
     * @param contextFrames S, the frames carried from one window to the next (1 or 2 in the paper)
     */
    public Rollout(DiffusionSampler sampler, DenoiseFunction denoiser, int windowFrames, int contextFrames) {
        if (contextFrames < 1 || contextFrames >= windowFrames) {
            throw new IllegalArgumentException("rollout: need 1 <= context frames < window frames, got " + contextFrames + " and " + windowFrames);
        }
        this.sampler = sampler;
        this.denoiser = denoiser;
        this.windowFrames = windowFrames;
        this.contextFrames = contextFrames;
        this.firstWindowSampler = sampler;
    }

    /**
     * Samples a first window that starts from nothing (no given context) with {@code s} instead, e.g. without
     * context guidance, which has nothing to strengthen there and would double the work.
     */
    public Rollout firstWindowSampler(DiffusionSampler s) {
        this.firstWindowSampler = s;
        return this;
    }

    /** Called after every sampler step of every window (notebook progress). */
    public Rollout stepCallback(SamplerCallback c) {
        this.stepCallback = c;
        return this;
    }

    public int windowFrames() {
        return windowFrames;
    }

    public int contextFrames() {
        return contextFrames;
    }

    /** Called after each window with the window index and the frames generated so far. */
    @FunctionalInterface
    public interface WindowCallback {
        void onWindow(int window, int framesDone, int totalFrames);
    }

    /** How many windows make {@code totalFrames} frames when {@code given} context frames start the video. */
    public int windows(int totalFrames, int given) {
        int have = given;
        int w = 0;
        while (have < totalFrames) {
            have += (w == 0 && given == 0) ? windowFrames : windowFrames - contextFrames;
            w++;
        }
        return w;
    }

    /**
     * @param cond the conditioning of one window of {@code videos} x T frames (text, vector, video layout), without
     *     concat, which the rollout sets; numVideoFrames must be T
     * @param uc the unconditional conditioning for the guider, or null
     * @param initialContext [(b S), C, H, W] latents starting each video, or null to start from nothing
     * @param frameShape one latent frame, [C, H, W]
     * @return the latent videos [(b N), C, H, W], starting with the given context frames
     */
    public NDArray generate(NDManager manager, Conditioning cond, Conditioning uc, NDArray initialContext, int videos,
            Shape frameShape, int totalFrames, long seed, WindowCallback callback) {
        Shape windowShape = new Shape((long) videos * windowFrames).addAll(frameShape);
        return generate(manager, cond, uc, initialContext, videos, frameShape, totalFrames,
                (wm, w) -> Seeds.normal(wm, windowShape, Seeds.derive(Seeds.derive(seed, w), -1)), w -> Seeds.derive(seed, w), callback);
    }

    /**
     * As {@link #generate(NDManager, Conditioning, Conditioning, NDArray, int, Shape, int, long, WindowCallback)}, with
     * one seed per video: each video's window noise comes from its own seed, so a video does not depend on which
     * others share its batch (noise drawn inside a stochastic sampler follows the first video's seed).
     */
    public NDArray generate(NDManager manager, Conditioning cond, Conditioning uc, NDArray initialContext, long[] videoSeeds,
            Shape frameShape, int totalFrames, WindowCallback callback) {
        Shape oneVideo = new Shape(windowFrames).addAll(frameShape);
        return generate(manager, cond, uc, initialContext, videoSeeds.length, frameShape, totalFrames, (wm, w) -> {
            NDArray[] noise = new NDArray[videoSeeds.length];
            for (int v = 0; v < noise.length; v++) {
                noise[v] = Seeds.normal(wm, oneVideo, Seeds.derive(Seeds.derive(videoSeeds[v], w), -1));
            }
            return noise.length == 1 ? noise[0] : Ops.cat(0, noise);
        }, w -> Seeds.derive(videoSeeds[0], w), callback);
    }

    /** Window noise [(b T), C, H, W] for window w, drawn in the window's manager. */
    @FunctionalInterface
    private interface WindowNoise {
        NDArray draw(NDManager windowManager, int window);
    }

    private NDArray generate(NDManager manager, Conditioning cond, Conditioning uc, NDArray initialContext, int videos,
            Shape frameShape, int totalFrames, WindowNoise windowNoise, java.util.function.IntToLongFunction samplerSeed,
            WindowCallback callback) {
        if (cond.numVideoFrames() != windowFrames) {
            throw new IllegalArgumentException("rollout: the conditioning is laid out for " + cond.numVideoFrames() + " frames, the window has " + windowFrames);
        }
        if (initialContext != null && initialContext.getShape().get(0) != (long) videos * contextFrames) {
            throw new IllegalArgumentException("rollout: initial context has " + initialContext.getShape().get(0) + " rows, expected "
                    + videos + " videos x " + contextFrames + " frames");
        }
        List<NDArray> parts = new ArrayList<>();
        int done = 0;
        if (initialContext != null) {
            parts.add(initialContext.reshape(new Shape(videos, contextFrames).addAll(frameShape)));
            done = contextFrames;
        }
        int w = 0;
        while (done < totalFrames) {
            try (NDManager wm = manager.newSubManager()) {
                NDArray concat;
                int firstNew;
                if (done == 0) {
                    concat = ContextMask.none(wm, videos, windowFrames, frameShape);
                    firstNew = 0;
                } else {
                    NDArray all = Ops.cat(1, parts.toArray(new NDArray[0]));
                    NDArray ctx = all.get(":, " + (done - contextFrames) + ":" + done).reshape(new Shape((long) videos * contextFrames).addAll(frameShape));
                    ctx.attach(wm);
                    all.attach(wm);
                    concat = ContextMask.fromContext(ctx, contextFrames, windowFrames);
                    firstNew = contextFrames;
                }
                Conditioning c = cond.withConcat(concat);
                Conditioning u = uc == null ? null : uc.withConcat(concat);
                DiffusionSampler s = done == 0 ? firstWindowSampler : sampler;
                NDArray sample = s.sample(denoiser, windowNoise.draw(wm, w), c, u, samplerSeed.applyAsLong(w), stepCallback);
                int take = Math.min(windowFrames - firstNew, totalFrames - done);
                NDArray fresh = sample.reshape(new Shape(videos, windowFrames).addAll(frameShape)).get(":, " + firstNew + ":" + (firstNew + take)).duplicate();
                fresh.attach(manager);
                parts.add(fresh);
                done += take;
            }
            if (callback != null) {
                callback.onWindow(w, done, totalFrames);
            }
            w++;
        }
        NDArray video = parts.size() == 1 ? parts.get(0) : Ops.cat(1, parts.toArray(new NDArray[0]));
        return video.reshape(new Shape((long) videos * totalFrames).addAll(frameShape));
    }
}
