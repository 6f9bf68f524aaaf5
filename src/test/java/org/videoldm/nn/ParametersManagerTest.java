package org.videoldm.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;
import org.videoldm.model.VideoUNet;
import org.videoldm.temporal.TemporalParameters;
import org.videoldm.train.Scale;

/** Training steps must not leave arrays in the manager that owns the parameters: it lives as long as the network. */
class ParametersManagerTest {
    @Test
    void videoUNetStepsLeaveTheParametersManagerAsItWas() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager params = NDManager.newBaseManager(); NDManager data = NDManager.newBaseManager()) {
            UNetModel image = new UNetModel(params, UNetConfig.fromJson(JsonParser.parseString(
                    "{\"in_channels\": 4, \"out_channels\": 4, \"model_channels\": 32, \"channel_mult\": [1, 2], \"num_res_blocks\": 1,"
                            + " \"attention_resolutions\": [2], \"num_head_channels\": 16, \"context_dim\": 8}").getAsJsonObject()));
            VideoUNet video = VideoUNet.fromImage(params, image, Scale.TOY.videoUNet(image.config()));
            TemporalParameters.freezeSpatial(video);
            NDArray x = data.randomNormal(new Shape(6, 4, 8, 8));
            NDArray t = data.create(new float[] {3, 3, 3, 700, 700, 700});
            NDArray ctx = data.randomNormal(new Shape(6, 2, 8));
            NDArray indicator = data.create(new float[] {0, 0, 1, 0, 0, 0}, new Shape(2, 3));
            int before = -1;
            for (int step = 0; step < 3; step++) {
                try (NDManager sm = data.newSubManager()) {
                    for (NDArray a : new NDArray[] {x, t, ctx, indicator}) {
                        a.tempAttach(sm);
                    }
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(video.forward(x, t, ctx, null, 3, indicator, null).square().mean());
                    }
                }
                if (step == 0) {
                    before = params.getManagedArrays().size(); // after the first step: lazily made state may stay
                }
            }
            assertEquals(before, params.getManagedArrays().size(), "arrays the second and third steps left in the parameters' manager");
        }
    }
}
