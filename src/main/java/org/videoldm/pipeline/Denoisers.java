package org.videoldm.pipeline;

import com.google.gson.JsonObject;
import org.videoldm.diffusion.Denoiser;
import org.videoldm.diffusion.DiscreteDenoiser;
import org.videoldm.diffusion.LegacyDDPMDiscretization;
import org.videoldm.diffusion.EDMScaling;
import org.videoldm.diffusion.EpsScaling;
import org.videoldm.diffusion.VScaling;
import org.videoldm.diffusion.VScalingWithEDMcNoise;

/**
 * The continuous-sigma denoisers a saved network can declare in {@code videoldm.denoiser}:
 * {@code {"scaling":"edm","sigma_data":0.5}}, {@code {"scaling":"eps"}}, {@code {"scaling":"v"}},
 * {@code {"scaling":"v_edm_cnoise"}} (SVD's); with {@code "discretization":"legacy_ddpm"} (and optionally
 * {@code linear_start}, {@code linear_end}, {@code num_timesteps}) the denoiser is Stable Diffusion's discrete one over the
 * DDPM timesteps ({@link DiscreteDenoiser}), and sampling uses that schedule ({@link #discretization}).
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

    /** Stable Diffusion 1.x's denoiser: noise prediction over 1000 DDPM steps with SD's scaled-linear betas. */
    public static JsonObject legacyDDPM() {
        JsonObject o = new JsonObject();
        o.addProperty("scaling", "eps");
        o.addProperty("discretization", LEGACY_DDPM);
        o.addProperty("linear_start", 0.00085);
        o.addProperty("linear_end", 0.012);
        o.addProperty("num_timesteps", 1000);
        return o;
    }

    private static final String LEGACY_DDPM = "legacy_ddpm";

    /** Whether the spec is a discrete (DDPM-timestep) denoiser. */
    public static boolean isDiscrete(JsonObject spec) {
        return spec != null && spec.has("discretization") && LEGACY_DDPM.equals(spec.get("discretization").getAsString());
    }

    /** The DDPM schedule of a discrete spec. */
    public static LegacyDDPMDiscretization discretization(JsonObject spec) {
        if (!isDiscrete(spec)) {
            throw new IllegalArgumentException("denoiser: " + spec + " has no discretization '" + LEGACY_DDPM + "'");
        }
        return new LegacyDDPMDiscretization(num(spec, "linear_start", 0.00085), num(spec, "linear_end", 0.012),
                (int) num(spec, "num_timesteps", 1000));
    }

    private static double num(JsonObject spec, String key, double dflt) {
        return spec.has(key) ? spec.get(key).getAsDouble() : dflt;
    }

    public static Denoiser fromJson(JsonObject spec) {
        if (spec == null || !spec.has("scaling")) {
            throw new IllegalArgumentException("denoiser: no 'scaling' given (" + spec + ")");
        }
        String s = spec.get("scaling").getAsString();
        if (isDiscrete(spec)) {
            if (!s.equals("eps") && !s.equals("v")) {
                throw new IllegalArgumentException("denoiser: a legacy_ddpm denoiser needs scaling eps or v, got '" + s + "'");
            }
            LegacyDDPMDiscretization d = discretization(spec);
            return DiscreteDenoiser.of(s.equals("eps") ? new EpsScaling() : new VScaling(), d, (int) num(spec, "num_timesteps", 1000), false, true,
                    DiscreteDenoiser.TimestepMode.NEAREST);
        }
        return switch (s) {
            case "edm" -> new Denoiser(new EDMScaling(spec.has("sigma_data") ? spec.get("sigma_data").getAsDouble() : 0.5));
            case "eps" -> new Denoiser(new EpsScaling());
            case "v" -> new Denoiser(new VScaling());
            case "v_edm_cnoise" -> new Denoiser(new VScalingWithEDMcNoise());
            default -> throw new IllegalArgumentException("denoiser: unknown scaling '" + s + "' (edm, eps, v, v_edm_cnoise)");
        };
    }
}
