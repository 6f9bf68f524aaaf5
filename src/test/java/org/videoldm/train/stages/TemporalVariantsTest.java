package org.videoldm.train.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParser;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.temporal.SpatialVideoTransformer;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.temporal.VideoResBlock;
import org.videoldm.train.Scale;

/** The ablation variants of temporal alignment train what their names say, and 'conv-only' starts as the image LDM exactly. */
class TemporalVariantsTest {
    static VideoUNet fresh(NDManager m, UNetModel image) {
        Engine.getInstance().setRandomSeed(2);
        return VideoUNet.fromImage(m, image, Scale.TOY.videoUNet(image.config()));
    }

    @Test
    void eachVariantTrainsItsOwnLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            UNetModel image = new UNetModel(m, UNetConfig.fromJson(JsonParser.parseString("""
                    {"in_channels": 4, "out_channels": 4, "model_channels": 32, "channel_mult": [1, 2], "num_res_blocks": 1,
                     "attention_resolutions": [2], "num_head_channels": 16}""").getAsJsonObject()));
            // as if trained: the layers the reference starts at zero (out.2, proj_out, out_layers.3) would hide every path behind them
            image.stateDict().forEach((k, a) -> {
                if (a.abs().sum().getFloat() == 0f) {
                    org.videoldm.io.StateDict.assign(a, org.videoldm.nn.Ops.scale(m.randomNormal(a.getShape()), 0.1f));
                }
            });
            NDArray x = m.randomNormal(new Shape(6, 4, 8, 8));
            NDArray t = m.create(new float[] {0.2f, 0.2f, 0.2f, -0.4f, -0.4f, -0.4f});
            float[] imageOut = image.forward(x, t, null, null).toFloatArray();

            VideoUNet full = fresh(m, image);
            Set<String> conv = TemporalParameters.temporalKeysIn(full, VideoResBlock.class);
            Set<String> attention = TemporalParameters.temporalKeysIn(full, SpatialVideoTransformer.class);
            assertTrue(!conv.isEmpty() && !attention.isEmpty());
            assertTrue(conv.stream().noneMatch(attention::contains));
            TemporalParameters.Report r = TemporalAlignment.prepare(full, TemporalAlignment.Variant.FULL);
            assertEquals(r.temporalCount(), r.trainableCount());

            VideoUNet e2e = fresh(m, image);
            TemporalParameters.Report all = TemporalAlignment.prepare(e2e, TemporalAlignment.Variant.END_TO_END);
            assertEquals(all.temporalCount() + all.spatialCount(), all.trainableCount());

            VideoUNet attn = fresh(m, image);
            TemporalAlignment.prepare(attn, TemporalAlignment.Variant.ATTENTION_ONLY);
            assertEquals(attention, Set.copyOf(TemporalParameters.report(attn).trainable()));

            VideoUNet convOnly = fresh(m, image);
            TemporalAlignment.prepare(convOnly, TemporalAlignment.Variant.CONV_ONLY);
            assertEquals(conv, Set.copyOf(TemporalParameters.report(convOnly).trainable()));
            // its 3D convolutions start as identities and its attention is mixed out: it is the image LDM, frame by frame,
            // even with the attention's weights disturbed, which changes Video LDM's output
            for (VideoUNet v : new VideoUNet[] {full, convOnly}) {
                Engine.getInstance().setRandomSeed(9);
                v.stateDict().forEach((k, a) -> {
                    if (attention.contains(k) && !k.endsWith("mix_factor")) {
                        org.videoldm.io.StateDict.assign(a, m.randomNormal(a.getShape()));
                    }
                });
            }
            NDArray zeros = m.zeros(new Shape(2, 3));
            assertArrayEquals(imageOut, convOnly.forward(x, t, null, null, 3, zeros, null).toFloatArray(), 1e-5f);
            float[] fullOut = full.forward(x, t, null, null, 3, zeros, null).toFloatArray();
            double diff = 0;
            for (int i = 0; i < fullOut.length; i++) {
                diff = Math.max(diff, Math.abs(fullOut[i] - imageOut[i]));
            }
            assertTrue(diff > 1e-3, "full differs by " + diff);
            assertEquals("attention-only", TemporalAlignment.Variant.ATTENTION_ONLY.key());
            assertEquals(TemporalAlignment.Variant.CONV_ONLY, TemporalAlignment.Variant.parse("conv-only"));
        }
    }
}
