package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.UNetConfig;
import org.videoldm.model.UNetModel;

/** sgm's {@code UNetModel}: forward(x, timesteps, context[, y]). */
final class UNetKind implements FixtureKind {
    @Override
    public String name() {
        return "UNetModel";
    }

    @Override
    public boolean accepts(Fixture f) {
        return f.reference().endsWith("openaimodel:UNetModel");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        UNetModel unet = new UNetModel(m, UNetConfig.fromJson(f.kwargs()));
        StateDict.load(unet, f.weights(), "");
        NDArray context = f.hasInput("context") ? f.input("context") : null;
        NDArray y = f.hasInput("y") ? f.input("y") : null;
        return Map.of("out.output", unet.forward(f.input("x"), f.input("timesteps"), context, y));
    }
}
