package org.videoldm.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.videoldm.diffusion.EDMDiscretization;
import org.videoldm.diffusion.LegacyDDPMDiscretization;
import org.videoldm.nn.TimestepEmbedding;

/** The {@code discretization} fixtures: LegacyDDPM and EDM sigmas, DDPM steps, alphas_cumprod, timestep embedding. */
final class DiscretizationKind implements FixtureKind {
    @Override
    public String name() {
        return "discretization";
    }

    @Override
    public boolean accepts(Fixture f) {
        String ref = f.reference();
        return ref.endsWith("discretizer:LegacyDDPMDiscretization") || ref.endsWith("discretizer:EDMDiscretization")
                || ref.endsWith("util:timestep_embedding");
    }

    @Override
    public Map<String, NDArray> run(Fixture f, NDManager m) {
        JsonObject kw = f.kwargs();
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (kw.has("LegacyDDPMDiscretization")) {
            JsonObject c = kw.getAsJsonObject("LegacyDDPMDiscretization");
            LegacyDDPMDiscretization d = new LegacyDDPMDiscretization(
                    c.has("linear_start") ? c.get("linear_start").getAsDouble() : LegacyDDPMDiscretization.SD_LINEAR_START,
                    c.has("linear_end") ? c.get("linear_end").getAsDouble() : LegacyDDPMDiscretization.SD_LINEAR_END,
                    c.has("num_timesteps") ? c.get("num_timesteps").getAsInt() : 1000);
            int n = kw.has("legacy_n") ? kw.get("legacy_n").getAsInt() : d.numTimesteps();
            out.put("out.legacy_sigmas", m.create(d.sigmas(n, true)));
            out.put("out.legacy_timesteps", m.create(LegacyDDPMDiscretization.roughlyEquallySpacedSteps(n, d.numTimesteps())));
            double[] ac = d.alphasCumprod();
            float[] acf = new float[ac.length];
            for (int i = 0; i < ac.length; i++) {
                acf[i] = (float) ac[i];
            }
            out.put("out.legacy_alphas_cumprod", m.create(acf));
        }
        if (kw.has("EDMDiscretization")) {
            JsonObject c = kw.getAsJsonObject("EDMDiscretization");
            EDMDiscretization d = new EDMDiscretization(
                    c.has("sigma_min") ? c.get("sigma_min").getAsDouble() : 0.002,
                    c.has("sigma_max") ? c.get("sigma_max").getAsDouble() : 80.0,
                    c.has("rho") ? c.get("rho").getAsDouble() : 7.0);
            int n = kw.has("edm_n") ? kw.get("edm_n").getAsInt() : 25;
            out.put("out.edm_sigmas", m.create(d.sigmas(n, true)));
        }
        if (kw.has("timestep_embedding") && f.hasInput("timesteps")) {
            JsonObject c = kw.getAsJsonObject("timestep_embedding");
            int dim = c.get("dim").getAsInt();
            double maxPeriod = c.has("max_period") ? c.get("max_period").getAsDouble() : 10000.0;
            out.put("out.timestep_embedding", TimestepEmbedding.embed(f.input("timesteps"), dim, maxPeriod));
        }
        return out;
    }
}
