package org.videoldm.model.clip;

import org.videoldm.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.videoldm.nn.LayerNorm;
import org.videoldm.nn.Module;

/**
 * transformers' {@code CLIPTextTransformer} ({@code text_model.*}): embeddings, a causal pre-LN
 * encoder and final_layer_norm. No attention mask is applied besides the causal one, as Stable
 * Diffusion calls it; the padding after the end-of-text token cannot affect the tokens before it.
 */
public final class CLIPTextTransformer extends Module {
    private final CLIPTextConfig config;
    private final CLIPTextEmbeddings embeddings;
    private final CLIPEncoder encoder;
    private final LayerNorm finalLayerNorm;

    public CLIPTextTransformer(NDManager m, CLIPTextConfig c) {
        super(m);
        config = c;
        float eps = (float) c.layer_norm_eps();
        embeddings = register("embeddings", new CLIPTextEmbeddings(m, c.vocab_size(), c.hidden_size(), c.max_position_embeddings()));
        encoder = register("encoder", new CLIPEncoder(m, c.num_hidden_layers(), c.hidden_size(), c.intermediate_size(), c.num_attention_heads(), c.hidden_act(), eps));
        finalLayerNorm = register("final_layer_norm", new LayerNorm(m, c.hidden_size(), eps));
    }

    /** inputIds [B, L] (integer). */
    public CLIPOutput forward(NDArray inputIds) {
        if (inputIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("CLIP text: input_ids must be [batch, length], got " + inputIds.getShape());
        }
        NDArray ids = inputIds.toType(DataType.INT64, false);
        NDArray h = embeddings.forward(ids);
        List<NDArray> states = encoder.forward(h, causalMask(ids.getManager(), ids.getShape().get(1)));
        NDArray last = finalLayerNorm.forward(states.get(states.size() - 1));
        return new CLIPOutput(last, pool(last, ids), states);
    }

    /** final_layer_norm applied to any hidden state (SD 2.x's "penultimate" conditioning). */
    public NDArray finalLayerNorm(NDArray hidden) {
        return finalLayerNorm.forward(hidden);
    }

    /**
     * The end-of-text token's state per row. Configs with the legacy {@code eos_token_id = 2} take the
     * largest id (argmax), as transformers does; others take the first position holding eos_token_id.
     */
    private NDArray pool(NDArray last, NDArray ids) {
        long[] flat = ids.toLongArray();
        int b = (int) ids.getShape().get(0);
        int len = (int) ids.getShape().get(1);
        NDList rows = new NDList();
        for (int i = 0; i < b; i++) {
            int pos = 0;
            if (config.eos_token_id() == 2) {
                for (int j = 1; j < len; j++) {
                    if (flat[i * len + j] > flat[i * len + pos]) {
                        pos = j;
                    }
                }
            } else {
                for (int j = 0; j < len; j++) {
                    if (flat[i * len + j] == config.eos_token_id()) {
                        pos = j;
                        break;
                    }
                }
            }
            rows.add(last.get(new NDIndex("{}, {}", i, pos)));
        }
        return NDArrays.stack(rows, 0);
    }

    static NDArray causalMask(NDManager m, long n) {
        NDArray rows = m.arange(0, (int) n, 1, DataType.INT64).reshape(n, 1);
        NDArray cols = m.arange(0, (int) n, 1, DataType.INT64).reshape(1, n);
        // A large finite negative instead of -inf: exp underflows to exactly 0 either way, and no 0 * inf appears.
        return Ops.scale(cols.gt(rows).toType(DataType.FLOAT32, false), -1e9f);
    }

    public CLIPTextConfig config() {
        return config;
    }
}
