package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.videoldm.nn.Module;

/** transformers' {@code CLIPTextEmbeddings}: token embedding plus learned absolute positions 0..L-1. */
public final class CLIPTextEmbeddings extends Module {
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;
    private final int maxPositions;

    public CLIPTextEmbeddings(NDManager m, int vocab, int dim, int maxPositions) {
        super(m);
        this.maxPositions = maxPositions;
        tokenEmbedding = register("token_embedding", new Embedding(m, vocab, dim));
        positionEmbedding = register("position_embedding", new Embedding(m, maxPositions, dim));
    }

    public NDArray forward(NDArray inputIds) {
        long len = inputIds.getShape().get(1);
        if (len > maxPositions) {
            throw new IllegalArgumentException("CLIP text: sequence length " + len + " exceeds max_position_embeddings " + maxPositions);
        }
        NDArray positions = inputIds.getManager().arange(0, (int) len, 1, DataType.INT64);
        return tokenEmbedding.forward(inputIds).add(positionEmbedding.forward(positions));
    }
}
