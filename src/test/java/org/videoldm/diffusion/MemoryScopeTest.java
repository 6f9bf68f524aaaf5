package org.videoldm.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Long sampling loops must not accumulate arrays: each step's work is freed with the step. */
class MemoryScopeTest {
    static int arraysAfterSampling(int steps) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray noise = m.randomNormal(new Shape(4, 2, 4, 4));
            Conditioning c = Conditioning.crossattn(m.ones(new Shape(4, 3, 8))).withVector(m.ones(new Shape(4)));
            Conditioning uc = Conditioning.crossattn(m.zeros(new Shape(4, 3, 8))).withVector(m.zeros(new Shape(4)));
            DenoiseFunction d = (x, sigma, cond) -> x.mul(0.5f).add(cond.vector().reshape(-1, 1, 1, 1)).add(cond.crossattn().mean().mul(0f));
            int before = m.getManagedArrays().size();
            NDArray out = new DPMPP2MSampler(new EDMDiscretization(0.002, 80, 7), steps, new VanillaCFG(3)).sample(d, noise, c, uc, 1, null);
            out.getFloat(0, 0, 0, 0);
            return m.getManagedArrays().size() - before;
        }
    }

    static int arraysAfterUNetSampling(int steps) {
        try (NDManager m = NDManager.newBaseManager()) {
            String cfg = "{\"in_channels\":4,\"model_channels\":32,\"out_channels\":4,\"num_res_blocks\":1,"
                    + "\"attention_resolutions\":[2],\"channel_mult\":[1,2],\"num_head_channels\":16,\"context_dim\":8}";
            org.videoldm.model.UNetModel unet = new org.videoldm.model.UNetModel(m,
                    org.videoldm.model.UNetConfig.fromJson(com.google.gson.JsonParser.parseString(cfg).getAsJsonObject()));
            NDArray noise = m.randomNormal(new Shape(2, 4, 8, 8));
            Conditioning c = Conditioning.crossattn(m.ones(new Shape(2, 3, 8)));
            Conditioning uc = Conditioning.crossattn(m.zeros(new Shape(2, 3, 8)));
            DenoiseFunction d = DiscreteDenoiser.legacyDDPM(new EpsScaling()).bind(new OpenAIWrapper(unet));
            int before = m.getManagedArrays().size();
            NDArray out = new EulerEDMSampler(new LegacyDDPMDiscretization(), steps, new VanillaCFG(3)).sample(d, noise, c, uc, 1, null);
            out.getFloat(0, 0, 0, 0);
            return m.getManagedArrays().size() - before;
        }
    }

    @Test
    void unetSamplingLeavesOnlyItsResult() {
        assertEquals(1, arraysAfterUNetSampling(2));
        assertEquals(1, arraysAfterUNetSampling(6));
    }

    @Test
    void samplingLeavesOnlyItsResult() {
        assertEquals(1, arraysAfterSampling(5));
        assertEquals(1, arraysAfterSampling(40));
    }
}
