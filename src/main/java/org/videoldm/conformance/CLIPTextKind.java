package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.io.StateDict;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.model.clip.CLIPOutput;
import org.videoldm.model.clip.CLIPTextConfig;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPTextModelWithProjection;
import org.videoldm.model.clip.CLIPTextTransformer;

/**
 * transformers' {@code CLIPTextModel} and {@code CLIPTextModelWithProjection}: every output either can
 * give (hidden states, pooled output, penultimate layer raw and normalised, text_embeds), plus the
 * CLIPSIM cosine when the fixture supplies image_embeds.
 */
final class CLIPTextKind implements FixtureKind {
    @Override
    public String name() {
        return "CLIPTextModel";
    }

    @Override
    public boolean accepts(Fixture f) {
        // The whole reference must name the class: pipeline fixtures mention it inside a longer description.
        return f.reference().matches("[\\w.]*modeling_clip:CLIPTextModel(WithProjection)?");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        CLIPTextConfig config = CLIPTextConfig.fromJson(f.kwargs());
        NDArray ids = f.input("input_ids");
        Map<String, NDArray> out = new LinkedHashMap<>();
        CLIPTextTransformer text;
        CLIPOutput o;
        if (f.reference().endsWith("WithProjection")) {
            CLIPTextModelWithProjection model = new CLIPTextModelWithProjection(m, config);
            StateDict.load(model, f.weights(), "");
            text = model.textModel();
            o = model.forward(ids);
            NDArray textEmbeds = model.project(o);
            out.put("out.text_embeds", textEmbeds);
            if (f.hasInput("image_embeds")) {
                out.put("out.clipsim", CLIPSim.pairCosine(f.input("image_embeds"), textEmbeds));
            }
        } else {
            CLIPTextModel model = new CLIPTextModel(m, config);
            StateDict.load(model, f.weights(), "");
            text = model.textModel();
            o = model.forward(ids);
        }
        out.put("out.last_hidden_state", o.lastHiddenState());
        out.put("out.pooler_output", o.pooledOutput());
        out.put("out.penultimate_hidden_state", o.penultimateHiddenState());
        out.put("out.penultimate_final_layer_norm", text.finalLayerNorm(o.penultimateHiddenState()));
        out.put("out.hidden_states", NDArrays.stack(new NDList(o.hiddenStates()), 0));
        return out;
    }
}
