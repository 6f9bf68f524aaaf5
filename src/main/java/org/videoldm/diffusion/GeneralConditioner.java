package org.videoldm.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.videoldm.model.clip.FrozenCLIPEmbedder;
import org.videoldm.util.Seeds;

/**
 * sgm's {@code GeneralConditioner} with its one text embedder, SD 1.x's {@link FrozenCLIPEmbedder} (input key
 * {@code txt}): a batch of captions becomes the {@code crossattn} conditioning, CLIP's last hidden state [B, 77, D].
 *
 * <p>Caption dropout for classifier-free guidance ({@code ucg_rate}): during training each caption is dropped with that
 * probability. With {@code legacy_ucg_value} set (here: the empty prompt "", as SD 1.x's text conditioning is
 * trained) a dropped caption is replaced by it before encoding, so the network learns the unconditional branch that
 * sampling feeds with the empty prompt; without it (null) the reference zeroes the dropped rows' embedding instead.
 * Whether row i of a batch is dropped is drawn from {@code Seeds.derive(seed, i)}, so a step's drops are a pure
 * function of the step's seed (a resumed run drops the same captions). A missing caption (null) is the empty prompt.
 */
public final class GeneralConditioner {
    /** SD 1.x's unconditional prompt. */
    public static final String EMPTY_PROMPT = "";

    private final FrozenCLIPEmbedder embedder;
    private final double ucgRate;
    private final String legacyUcgValue;

    /**
     * @param ucgRate probability that a caption is dropped in {@link #forward}, in [0, 1]
     * @param legacyUcgValue the text a dropped caption becomes, or null to zero its embedding
     */
    public GeneralConditioner(FrozenCLIPEmbedder embedder, double ucgRate, String legacyUcgValue) {
        if (!(ucgRate >= 0 && ucgRate <= 1)) {
            throw new IllegalArgumentException("conditioner: ucg_rate must lie in [0, 1], got " + ucgRate);
        }
        this.embedder = embedder;
        this.ucgRate = ucgRate;
        this.legacyUcgValue = legacyUcgValue;
    }

    public FrozenCLIPEmbedder embedder() {
        return embedder;
    }

    public double ucgRate() {
        return ucgRate;
    }

    /** Which of {@code n} rows the draw of {@code seed} drops (each with probability ucg_rate). */
    public boolean[] dropped(int n, long seed) {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = ucgRate > 0 && new SplittableRandom(Seeds.derive(seed, i)).nextDouble() < ucgRate;
        }
        return out;
    }

    /**
     * The training conditioning of a batch of clips: captions dropped by the draw of {@code seed}, encoded, and each
     * clip's row repeated for its {@code numVideoFrames} frames ({@code (b t)} rows, frames inner), in {@code m}.
     */
    public Conditioning forward(NDManager m, List<String> captions, long seed, int numVideoFrames) {
        boolean[] drop = dropped(captions.size(), seed);
        List<String> text = new ArrayList<>(captions.size());
        for (int i = 0; i < captions.size(); i++) {
            String c = captions.get(i) == null ? EMPTY_PROMPT : captions.get(i);
            text.add(drop[i] && legacyUcgValue != null ? legacyUcgValue : c);
        }
        NDArray emb = embedder.encode(m, text);
        if (legacyUcgValue == null && ucgRate > 0) {
            float[] keep = new float[drop.length];
            for (int i = 0; i < drop.length; i++) {
                keep[i] = drop[i] ? 0f : 1f;
            }
            emb = emb.mul(m.create(keep, new ai.djl.ndarray.types.Shape(drop.length, 1, 1)));
        }
        return perFrame(emb, numVideoFrames);
    }

    /**
     * sgm's {@code get_unconditional_conditioning}: the prompts' conditioning without dropout and the unconditional one,
     * {@code negativePrompt} (the empty prompt in SD) for every row, both repeated per frame.
     */
    public Conditioning[] unconditionalConditioning(NDManager m, List<String> prompts, String negativePrompt, int numVideoFrames) {
        List<String> all = new ArrayList<>(prompts.size() + 1);
        for (String p : prompts) {
            all.add(p == null ? EMPTY_PROMPT : p);
        }
        all.add(negativePrompt == null ? EMPTY_PROMPT : negativePrompt);
        NDArray emb = embedder.encode(m, all);
        int b = prompts.size();
        NDArray c = emb.get("0:" + b);
        NDArray uc = emb.get(b + ":" + (b + 1)).repeat(0, b);
        return new Conditioning[] {perFrame(c, numVideoFrames), perFrame(uc, numVideoFrames)};
    }

    /** One row per frame: each video's context repeated {@code frames} times, frames inner, with the video layout set. */
    private static Conditioning perFrame(NDArray emb, int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("conditioner: numVideoFrames must be at least 1, got " + frames);
        }
        NDArray rows = frames == 1 ? emb : emb.repeat(0, frames);
        return new Conditioning(rows, null, null, frames, null);
    }
}
