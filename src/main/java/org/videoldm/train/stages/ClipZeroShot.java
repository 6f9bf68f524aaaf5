package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.videoldm.data.Clip;
import org.videoldm.data.ClipCaptions;
import org.videoldm.data.ClipSource;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.metrics.ZeroShot;
import org.videoldm.model.clip.CLIPImageProcessor;
import org.videoldm.model.clip.CLIPModel;
import org.videoldm.model.clip.CLIPTokenizer;

/**
 * The toy CLIP's held-out measurements, per data source: zero-shot accuracy of time of day, weather and traffic on
 * procedural frames (their exact scene labels; prompts of {@link ZeroShot#driving()}, chance 1/3), and the mean
 * CLIPSIM-toy of each frame with its own caption against that with another held-out clip's caption.
 */
final class ClipZeroShot {
    private static final int BATCH = 64;

    private ClipZeroShot() {}

    static void measure(CLIPModel model, CLIPTokenizer tokenizer, ClipSource validation, ClipCaptions captions, SceneLabels labels, int maxClips,
            long seed, Map<String, Double> metrics, NDManager m) {
        for (String group : ClipSource.groups(validation)) {
            ClipSource clips = ClipSource.filtered(validation, id -> id.startsWith(group + "/"));
            int n = Math.min(maxClips, clips.size());
            if (n == 0) {
                continue;
            }
            List<byte[]> frames = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int h = 0;
            int w = 0;
            for (int i = 0; i < n; i++) {
                Clip c = clips.clip((int) ((long) i * clips.size() / n), seed);
                frames.add(c.frame(c.frames() / 2).rgb());
                ids.add(c.id());
                h = c.height();
                w = c.width();
            }
            try (NDManager scope = m.newSubManager()) {
                NDArray images = imageEmbeds(model, frames, h, w, scope);
                zeroShot(model, tokenizer, images, ids, labels, group, metrics, scope);
                captionSimilarity(model, tokenizer, images, ids, captions, group, metrics, scope);
            }
        }
    }

    private static void zeroShot(CLIPModel model, CLIPTokenizer tokenizer, NDArray images, List<String> ids, SceneLabels labels, String group,
            Map<String, Double> metrics, NDManager m) {
        if (ids.stream().allMatch(id -> labels.of(id) == null)) {
            return; // real clips carry no scene labels
        }
        for (ZeroShot.Attribute a : ZeroShot.driving()) {
            List<NDArray> perClass = new ArrayList<>();
            for (List<String> prompts : a.prompts()) {
                perClass.add(textEmbeds(model, tokenizer, prompts, m));
            }
            int[] truth = new int[ids.size()];
            for (int i = 0; i < truth.length; i++) {
                Map<String, Integer> l = labels.of(ids.get(i));
                truth[i] = l == null ? -1 : l.get(a.name());
            }
            metrics.put("zero-shot " + a.name() + " accuracy " + group, ZeroShot.accuracy(ZeroShot.predict(images, ZeroShot.classEmbeddings(perClass)), truth));
        }
        metrics.put("zero-shot frames " + group, (double) ids.stream().filter(id -> labels.of(id) != null).count());
    }

    /** Mean cosine of frame and own caption, and of frame and the caption of the clip half the list away (another scene). */
    private static void captionSimilarity(CLIPModel model, CLIPTokenizer tokenizer, NDArray images, List<String> ids, ClipCaptions captions,
            String group, Map<String, Double> metrics, NDManager m) {
        List<Integer> rows = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (captions.caption(ids.get(i)) != null) {
                rows.add(i);
                texts.add(captions.caption(ids.get(i)));
            }
        }
        if (rows.size() < 2) {
            return;
        }
        NDArray img = images.get(m.create(rows.stream().mapToLong(Integer::longValue).toArray()));
        NDArray txt = textEmbeds(model, tokenizer, texts, m);
        int k = rows.size();
        long[] shift = new long[k];
        for (int i = 0; i < k; i++) {
            shift[i] = (i + k / 2) % k;
        }
        double own = CLIPSim.pairCosine(img, txt).mean().getFloat();
        double other = CLIPSim.pairCosine(img, txt.get(m.create(shift))).mean().getFloat();
        metrics.put(CLIPSim.TOY + " own caption " + group, own);
        metrics.put(CLIPSim.TOY + " other caption " + group, other);
    }

    private static NDArray imageEmbeds(CLIPModel model, List<byte[]> frames, int h, int w, NDManager m) {
        CLIPImageProcessor processor = new CLIPImageProcessor(model.config().vision_config().image_size());
        float[] out = new float[frames.size() * model.config().projection_dim()];
        int at = 0;
        for (int start = 0; start < frames.size(); start += BATCH) {
            try (NDManager b = m.newSubManager()) {
                byte[][] batch = frames.subList(start, Math.min(frames.size(), start + BATCH)).toArray(new byte[0][]);
                float[] e = model.imageEmbeds(processor.pixelValues(b, batch, h, w)).toFloatArray();
                System.arraycopy(e, 0, out, at, e.length);
                at += e.length;
            }
        }
        return m.create(out, new Shape(frames.size(), model.config().projection_dim()));
    }

    static NDArray textEmbeds(CLIPModel model, CLIPTokenizer tokenizer, List<String> texts, NDManager m) {
        float[] out = new float[texts.size() * model.config().projection_dim()];
        int at = 0;
        for (int start = 0; start < texts.size(); start += BATCH) {
            try (NDManager b = m.newSubManager()) {
                List<String> batch = texts.subList(start, Math.min(texts.size(), start + BATCH));
                float[] e = model.textEmbeds(b.create(tokenizer.encodeBatch(batch,
                        ClipTraining.paddedLength(tokenizer, batch, model.config().text_config().max_position_embeddings())))).toFloatArray();
                System.arraycopy(e, 0, out, at, e.length);
                at += e.length;
            }
        }
        return m.create(out, new Shape(texts.size(), model.config().projection_dim()));
    }
}
