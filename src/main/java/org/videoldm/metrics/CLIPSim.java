package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.videoldm.model.clip.CLIPImageProcessor;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModelWithProjection;
import org.videoldm.model.clip.CLIPTokenizer;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.model.clip.CLIPVisionModelWithProjection;
import org.videoldm.model.clip.CLIPWeights;

/**
 * CLIPSIM: the CLIP similarity between generated frames and their prompt. Every frame goes through
 * CLIP's image preprocessing and image encoder, the prompt through the tokenizer and text encoder;
 * the cosine of the two L2-normalised projected embeddings is averaged over a video's frames, then
 * over videos. The value is the raw cosine (the paper's 0.2929), not torchmetrics' 100 * max(cos, 0).
 */
public final class CLIPSim implements AutoCloseable {
    private final NDManager manager;
    private final CLIPTokenizer tokenizer;
    private final CLIPTextModelWithProjection text;
    private final CLIPVisionModelWithProjection vision;
    private final CLIPImageProcessor processor;
    private final String name;
    private final String metric;

    /** Safetensors metadata naming the metric a CLIP's similarity is reported as; toy CLIPs trained here say {@link #TOY}. */
    public static final String KEY_METRIC = "videoldm.metric";
    public static final String REAL = "CLIPSIM";
    /** The name of the similarity under a toy CLIP trained here: never comparable to published CLIPSIM. */
    public static final String TOY = "CLIPSIM-toy";

    public CLIPSim(NDManager manager, CLIPTokenizer tokenizer, CLIPTextModelWithProjection text, CLIPVisionModelWithProjection vision, String name) {
        this(manager, tokenizer, text, vision, name, REAL);
    }

    public CLIPSim(NDManager manager, CLIPTokenizer tokenizer, CLIPTextModelWithProjection text, CLIPVisionModelWithProjection vision, String name,
            String metric) {
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.text = text;
        this.vision = vision;
        this.processor = new CLIPImageProcessor(vision.config().image_size());
        this.name = name;
        this.metric = metric;
    }

    /**
     * A CLIP model folder: {@code model.safetensors} (a full CLIP checkpoint in transformers' or OpenAI's
     * layout; sizes are read off the shapes) and the tokenizer files (vocab.json + merges.txt, or tokenizer.json).
     */
    public static CLIPSim load(Path dir) {
        Path weights = dir.resolve("model.safetensors");
        if (!java.nio.file.Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("CLIPSIM needs a CLIP model: put model.safetensors (a transformers CLIPModel, e.g. openai/clip-vit-base-patch32, "
                    + "or OpenAI's ViT-B-32 converted to safetensors) and vocab.json + merges.txt in " + dir + " or pass --clip DIR; see docs/metrics.md");
        }
        NDManager m = NDManager.newBaseManager();
        try (NDManager scratch = m.newSubManager()) {
            Map<String, NDArray> t = CLIPWeights.read(weights, "", scratch);
            CLIPTextConfig tc = CLIPWeights.inferText(t);
            CLIPVisionConfig vc = CLIPWeights.inferVision(t);
            // heads do not show in the shapes; a transformers folder's config.json names them (else width / 64, as OpenAI's)
            int[] heads = CLIPWeights.headsFromConfig(dir.resolve("config.json"));
            if (heads != null) {
                tc = tc.withHeads(heads[0]);
                vc = vc.withHeads(heads[1]);
            }
            CLIPTextModelWithProjection text = new CLIPTextModelWithProjection(m, tc);
            CLIPVisionModelWithProjection vision = new CLIPVisionModelWithProjection(m, vc);
            CLIPWeights.load(text, t, weights.toString());
            CLIPWeights.load(vision, t, weights.toString());
            String metric;
            try (org.videoldm.io.SafetensorsFile f = org.videoldm.io.SafetensorsFile.open(weights)) {
                metric = f.metadata() == null ? REAL : f.metadata().getOrDefault(KEY_METRIC, REAL);
            }
            return new CLIPSim(m, CLIPTokenizer.fromDirectory(dir), text, vision, "clip(" + dir.getFileName() + ")", metric);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** What the similarity is called: {@code CLIPSIM} with real CLIP weights, {@code CLIPSIM-toy} with a toy CLIP trained here. */
    public String metricName() {
        return metric;
    }

    /** Mean over frames of the frame-prompt cosine for one video, frames uint8 [T, H, W, 3]. */
    public double videoScore(NDArray frames, String prompt, int batchSize) {
        long[] s = frames.getShape().getShape();
        if (frames.getDataType() != DataType.UINT8 || s.length != 4 || s[3] != 3) {
            throw new IllegalArgumentException("CLIPSIM: frames must be uint8 [T, H, W, 3], got " + frames.getDataType() + " " + frames.getShape());
        }
        int t = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        byte[] all = frames.toByteArray();
        int frameBytes = h * w * 3;
        double total = 0;
        try (NDManager scope = manager.newSubManager()) {
            NDArray ids = scope.create(new long[][] {java.util.Arrays.stream(tokenizer.encodePadded(prompt, text.config().max_position_embeddings())).asLongStream().toArray()});
            NDArray textEmbed = text.textEmbeds(ids);
            for (int start = 0; start < t; start += batchSize) {
                int end = Math.min(t, start + batchSize);
                try (NDManager batchScope = scope.newSubManager()) {
                    byte[][] batch = new byte[end - start][];
                    for (int i = start; i < end; i++) {
                        batch[i - start] = java.util.Arrays.copyOfRange(all, i * frameBytes, (i + 1) * frameBytes);
                    }
                    NDArray imageEmbeds = vision.imageEmbeds(processor.pixelValues(batchScope, batch, h, w));
                    NDArray cos = pairCosine(imageEmbeds, textEmbed.broadcast(imageEmbeds.getShape()));
                    for (float c : cos.toFloatArray()) {
                        total += c;
                    }
                }
            }
        }
        return total / t;
    }

    /** CLIPSIM over videos (each uint8 [T, H, W, 3]) with one prompt each: mean of the per-video means. */
    public MetricResult compute(List<NDArray> videos, List<String> prompts, int batchSize) {
        if (videos.size() != prompts.size() || videos.isEmpty()) {
            throw new IllegalArgumentException("CLIPSIM needs one prompt per video: " + videos.size() + " videos, " + prompts.size() + " prompts");
        }
        double sum = 0;
        int frames = 0;
        for (int i = 0; i < videos.size(); i++) {
            sum += videoScore(videos.get(i), prompts.get(i), batchSize);
            frames = (int) videos.get(i).getShape().get(0);
        }
        return new MetricResult(metric, sum / videos.size(), Double.NaN, videos.size(), 0, frames, name);
    }

    /**
     * L2-normalised image embeddings, one row per frame (all of one size), through CLIP's preprocessing and image tower:
     * image-to-image similarity (e.g. DreamBooth's subject fidelity) is the dot product of two rows.
     */
    public float[][] imageEmbeddings(List<org.videoldm.data.RgbFrame> frames, int batchSize) {
        float[][] out = new float[frames.size()][];
        for (int start = 0; start < frames.size(); start += batchSize) {
            int end = Math.min(frames.size(), start + batchSize);
            try (NDManager scope = manager.newSubManager()) {
                byte[][] batch = new byte[end - start][];
                for (int i = start; i < end; i++) {
                    batch[i - start] = frames.get(i).rgb();
                }
                org.videoldm.data.RgbFrame first = frames.get(start);
                NDArray e = l2normalize(vision.imageEmbeds(processor.pixelValues(scope, batch, first.height(), first.width())));
                for (int i = start; i < end; i++) {
                    out[i] = e.get(i - start).toFloatArray();
                }
            }
        }
        return out;
    }

    /** Row-wise cosine of the L2-normalised embeddings: a [B, D], b [B, D] give [B]. */
    public static NDArray pairCosine(NDArray a, NDArray b) {
        return l2normalize(a).mul(l2normalize(b)).sum(new int[] {-1});
    }

    public static NDArray l2normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }

    @Override
    public void close() {
        manager.close();
    }
}
