package org.videoldm.pipeline;

import com.google.gson.JsonObject;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.EpsScaling;
import org.videoldm.diffusion.VScaling;
import org.videoldm.diffusion.VScalingWithEDMcNoise;

/**
 * The continuous-sigma denoisers a saved network can declare in {@code videoldm.denoiser}:
 * {@code {"scaling":"edm","sigma_data":0.5}}, {@code {"scaling":"eps"}}, {@code {"scaling":"v"}},
 * {@code {"scaling":"v_edm_cnoise"}} (SVD's).
 */
public final class Denoisers {
    private Denoisers() {}

    /** EDM preconditioning with the given data standard deviation, as our toy models are trained. */
    public static JsonObject edm(double sigmaData) {
        JsonObject o = new JsonObject();
        o.addProperty("scaling", "edm");
        o.addProperty("sigma_data", sigmaData);
        return o;
    }

    public static Denoiser fromJson(JsonObject spec) {
        if (spec == null || !spec.has("scaling")) {
            throw new IllegalArgumentException("denoiser: no 'scaling' given (" + spec + ")");
        }
        String s = spec.get("scaling").getAsString();
        return switch (s) {
            case "edm" -> new Denoiser(new EDMScaling(spec.has("sigma_data") ? spec.get("sigma_data").getAsDouble() : 0.5));
            case "eps" -> new Denoiser(new EpsScaling());
            case "v" -> new Denoiser(new VScaling());
            case "v_edm_cnoise" -> new Denoiser(new VScalingWithEDMcNoise());
            default -> throw new IllegalArgumentException("denoiser: unknown scaling '" + s + "' (edm, eps, v, v_edm_cnoise)");
        };
    }
}
