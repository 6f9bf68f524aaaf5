package org.videoldm.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.videoldm.nn.Conv;
import org.videoldm.nn.Module;
import org.videoldm.nn.Ops;

/**
 * transformers' {@code CLIPVisionEmbeddings}: non-overlapping patches by a strided Conv2d without
 * bias, a learned class token in front, learned positions added (no interpolation: the input must
 * be image_size square).
 */
public final class CLIPVisionEmbeddings extends Module {
    private final CLIPVisionConfig config;
    private final NDArray classEmbedding;
    private final Conv patchEmbedding;
    private final Embedding positionEmbedding;

    public CLIPVisionEmbeddings(NDManager m, CLIPVisionConfig c) {
        super(m);
        config = c;
        long p = c.patch_size();
        classEmbedding = param("class_embedding", m.randomNormal(0f, 1f, new Shape(c.hidden_size()), DataType.FLOAT32));
        patchEmbedding = register("patch_embedding", new Conv(m, c.num_channels(), c.hidden_size(), new long[] {p, p}, new long[] {p, p}, new long[] {0, 0}, false, false));
        positionEmbedding = register("position_embedding", new Embedding(m, c.numPatches() + 1, c.hidden_size()));
    }

    /** pixelValues [B, C, image_size, image_size] (already normalised) give [B, 1 + patches, D]. */
    public NDArray forward(NDArray pixelValues) {
        Shape s = pixelValues.getShape();
        if (s.dimension() != 4 || s.get(1) != config.num_channels() || s.get(2) != config.image_size() || s.get(3) != config.image_size()) {
            throw new IllegalArgumentException("CLIP vision: pixel_values must be [B, " + config.num_channels() + ", " + config.image_size() + ", " + config.image_size() + "], got " + s);
        }
        NDArray patches = Ops.toTokens(patchEmbedding.forward(pixelValues));
        long b = s.get(0);
        NDArray cls = classEmbedding.reshape(1, 1, -1).broadcast(new Shape(b, 1, config.hidden_size()));
        NDArray tokens = Ops.cat(1, cls, patches);
        NDArray positions = pixelValues.getManager().arange(0, config.numPatches() + 1, 1, DataType.INT64);
        return tokens.add(positionEmbedding.forward(positions));
    }
}
