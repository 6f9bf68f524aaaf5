package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.model.clip.CLIPOutput;
import org.videoldm.model.clip.CLIPVisionConfig;
import org.videoldm.model.clip.CLIPVisionModel;
import org.videoldm.model.clip.CLIPVisionModelWithProjection;

/** transformers' {@code CLIPVisionModel} and {@code CLIPVisionModelWithProjection}. */
final class CLIPVisionKind implements FixtureKind {
    @Override
    public String name() {
        return "CLIPVisionModel";
    }

    @Override
    public boolean accepts(Fixture f) {
        // The whole reference must name the class: pipeline fixtures mention it inside a longer description.
        return f.reference().matches("[\\w.]*modeling_clip:CLIPVisionModel(WithProjection)?");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        CLIPVisionConfig config = CLIPVisionConfig.fromJson(f.kwargs());
        NDArray pixels = f.input("pixel_values");
        Map<String, NDArray> out = new LinkedHashMap<>();
        CLIPOutput o;
        if (f.reference().endsWith("WithProjection")) {
            CLIPVisionModelWithProjection model = new CLIPVisionModelWithProjection(m, config);
            StateDict.load(model, f.weights(), "");
            o = model.forward(pixels);
            out.put("out.image_embeds", model.project(o));
        } else {
            CLIPVisionModel model = new CLIPVisionModel(m, config);
            StateDict.load(model, f.weights(), "");
            o = model.forward(pixels);
        }
        out.put("out.last_hidden_state", o.lastHiddenState());
        out.put("out.pooler_output", o.pooledOutput());
        out.put("out.hidden_states", NDArrays.stack(new NDList(o.hiddenStates()), 0));
        return out;
    }
}
