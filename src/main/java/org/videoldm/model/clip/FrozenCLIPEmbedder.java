package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;

/**
 * The text conditioning of Stable Diffusion 1.x, as sgm's {@code FrozenCLIPEmbedder}: prompts are
 * tokenised to 77 ids (padded with the end token) and run through the frozen {@link CLIPTextModel};
 * the context is {@code last_hidden_state} [B, 77, D] (or a chosen hidden layer).
 */
public final class FrozenCLIPEmbedder {
    /** sgm's {@code layer}: "last" (SD 1.x), "pooled", or "hidden" with {@code layer_idx}. */
    public enum Layer { LAST, POOLED, HIDDEN }

    /** SD 1.x checkpoints hold the text encoder under this prefix. */
    public static final String SD_PREFIX = "cond_stage_model.transformer.";

    private final CLIPTokenizer tokenizer;
    private final CLIPTextModel model;
    private final Layer layer;
    private final int layerIdx;

    public FrozenCLIPEmbedder(CLIPTokenizer tokenizer, CLIPTextModel model) {
        this(tokenizer, model, Layer.LAST, 0);
    }

    public FrozenCLIPEmbedder(CLIPTokenizer tokenizer, CLIPTextModel model, Layer layer, int layerIdx) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.layer = layer;
        this.layerIdx = layerIdx;
    }

    /** Tokenizer from {@code tokenizerDir}, text model of {@code config} loaded from {@code checkpoint} under {@code prefix}. */
    public static FrozenCLIPEmbedder load(NDManager m, Path tokenizerDir, Path checkpoint, String prefix, CLIPTextConfig config) {
        CLIPTextModel model = new CLIPTextModel(m, config);
        CLIPWeights.load(model, checkpoint, prefix);
        return new FrozenCLIPEmbedder(CLIPTokenizer.fromDirectory(tokenizerDir), model);
    }

    public CLIPTokenizer tokenizer() {
        return tokenizer;
    }

    public CLIPTextModel model() {
        return model;
    }

    /** The ids [B, 77] (int64) for the prompts. */
    public NDArray tokenize(NDManager m, List<String> prompts) {
        long[][] ids = tokenizer.encodeBatch(prompts, model.config().max_position_embeddings());
        return m.create(ids);
    }

    /** Context [B, 77, D] (or the pooled [B, D] with {@link Layer#POOLED}), in {@code m}. */
    public NDArray encode(NDManager m, List<String> prompts) {
        CLIPOutput o = model.forward(tokenize(m, prompts));
        return switch (layer) {
            case LAST -> o.lastHiddenState();
            case POOLED -> o.pooledOutput();
            case HIDDEN -> o.hiddenStates().get(layerIdx < 0 ? o.hiddenStates().size() + layerIdx : layerIdx);
        };
    }
}
