package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What a CLIP tower returns, as transformers names it: {@code lastHiddenState} (text: after
 * final_layer_norm; vision: the last layer's output, no post_layernorm), {@code pooledOutput}
 * (text: the end-of-text token's state; vision: post_layernorm of the class token) and
 * {@code hiddenStates} (the embedding output, then every layer's output, none normalised).
 */
public record CLIPOutput(NDArray lastHiddenState, NDArray pooledOutput, List<NDArray> hiddenStates) {
    /** {@code hidden_states[-2]}: the penultimate layer, raw (SDXL's choice). */
    public NDArray penultimateHiddenState() {
        return hiddenStates.get(hiddenStates.size() - 2);
    }
}
