package org.videoldm.diffusion;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.videoldm.io.Kwargs;

/**
 * Builds discretizations, scalings, denoisers, guiders and samplers from the reference's configs. A component
 * is given either as sgm's {@code {"target": "sgm....EulerEDMSampler", "params": {...}}} or, as the fixtures
 * write it, {@code {"EulerEDMSampler": {...}}}; kwargs keep the reference's names and defaults.
 */
public final class DiffusionConfigs {
    private DiffusionConfigs() {}

    /** The class name (last dotted part of the target) and its kwargs. */
    record Component(String name, JsonObject params) {}

    static Component component(JsonElement e, String what) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            return new Component(simpleName(e.getAsString()), new JsonObject());
        }
        JsonObject o = e.getAsJsonObject();
        if (o.has("target")) {
            JsonObject p = o.has("params") ? o.getAsJsonObject("params") : new JsonObject();
            return new Component(simpleName(o.get("target").getAsString()), p);
        }
        if (o.size() != 1) {
            throw new IllegalArgumentException(what + ": expected {\"target\": ..., \"params\": ...} or {\"ClassName\": {kwargs}}, got " + o);
        }
        Map.Entry<String, JsonElement> only = o.entrySet().iterator().next();
        return new Component(simpleName(only.getKey()), only.getValue().isJsonObject() ? only.getValue().getAsJsonObject() : new JsonObject());
    }

    private static double requireDouble(Kwargs k, Component c, String key) {
        if (!k.has(key)) {
            throw new IllegalArgumentException(c.name() + ": missing required kwarg '" + key + "'");
        }
        return k.getDouble(key, 0);
    }

    private static String simpleName(String target) {
        int dot = target.lastIndexOf('.');
        return dot < 0 ? target : target.substring(dot + 1);
    }

    public static Discretization discretization(JsonElement config) {
        Component c = component(config, "discretization_config");
        Kwargs k = new Kwargs(c.params(), c.name());
        switch (c.name()) {
            case "LegacyDDPMDiscretization":
                return new LegacyDDPMDiscretization(k.getDouble("linear_start", LegacyDDPMDiscretization.SD_LINEAR_START),
                        k.getDouble("linear_end", LegacyDDPMDiscretization.SD_LINEAR_END), k.getInt("num_timesteps", 1000));
            case "EDMDiscretization":
                return new EDMDiscretization(k.getDouble("sigma_min", 0.002), k.getDouble("sigma_max", 80.0), k.getDouble("rho", 7.0));
            default:
                throw new IllegalArgumentException("discretization '" + c.name() + "' is not supported (LegacyDDPMDiscretization, EDMDiscretization)");
        }
    }

    public static DenoiserScaling scaling(JsonElement config) {
        Component c = component(config, "scaling_config");
        switch (c.name()) {
            case "EpsScaling": return new EpsScaling();
            case "VScaling": return new VScaling();
            case "VScalingWithEDMcNoise": return new VScalingWithEDMcNoise();
            case "EDMScaling": return new EDMScaling(new Kwargs(c.params(), "EDMScaling").getDouble("sigma_data", 0.5));
            default:
                throw new IllegalArgumentException("denoiser scaling '" + c.name() + "' is not supported (EpsScaling, VScaling, VScalingWithEDMcNoise, EDMScaling)");
        }
    }

    /**
     * A denoiser from {@code {"scaling_config": ..., "num_idx": ..., "discretization_config": ...}} (DiscreteDenoiser
     * when a discretization is given, otherwise Denoiser), or from a {@code target}/class-name wrapper of that.
     */
    public static Denoiser denoiser(JsonObject config) {
        JsonObject p = config;
        String name = config.has("discretization_config") ? "DiscreteDenoiser" : "Denoiser";
        if (!config.has("scaling_config")) {
            Component c = component(config, "denoiser_config");
            p = c.params();
            name = c.name();
        }
        Kwargs k = new Kwargs(p, name);
        DenoiserScaling scaling = scaling(p.get("scaling_config"));
        if (name.equals("Denoiser")) {
            return new Denoiser(scaling);
        }
        if (!name.equals("DiscreteDenoiser")) {
            throw new IllegalArgumentException("denoiser '" + name + "' is not supported (Denoiser, DiscreteDenoiser)");
        }
        if (!p.has("num_idx") || !p.has("discretization_config")) {
            throw new IllegalArgumentException("DiscreteDenoiser: needs num_idx and discretization_config");
        }
        DiscreteDenoiser.TimestepMode mode = k.getBool("quantize_c_noise", true) ? DiscreteDenoiser.TimestepMode.NEAREST : DiscreteDenoiser.TimestepMode.SIGMA;
        return DiscreteDenoiser.of(scaling, discretization(p.get("discretization_config")), k.requireInt("num_idx"),
                k.getBool("do_append_zero", false), k.getBool("flip", true), mode);
    }

    public static Guider guider(JsonElement config) {
        Component c = component(config, "guider_config");
        if (c == null) {
            return new IdentityGuider();
        }
        Kwargs k = new Kwargs(c.params(), c.name());
        switch (c.name()) {
            case "IdentityGuider": return new IdentityGuider();
            case "VanillaCFG": return new VanillaCFG(requireDouble(k, c, "scale"));
            case "LinearPredictionGuider":
                return new LinearPredictionGuider(requireDouble(k, c, "max_scale"), k.requireInt("num_frames"), k.getDouble("min_scale", 1.0));
            case "ContextGuider": return new ContextGuider(requireDouble(k, c, "scale"));
            default:
                throw new IllegalArgumentException("guider '" + c.name() + "' is not supported (IdentityGuider, VanillaCFG, LinearPredictionGuider, ContextGuider)");
        }
    }

    /** A sampler from sgm's sampler config (discretization_config, num_steps, guider_config and the sampler's own kwargs). */
    public static DiffusionSampler sampler(JsonElement config) {
        Component c = component(config, "sampler_config");
        Kwargs k = new Kwargs(c.params(), c.name());
        Discretization d = discretization(c.params().get("discretization_config"));
        int steps = k.requireInt("num_steps");
        Guider g = guider(c.params().get("guider_config"));
        double churn = k.getDouble("s_churn", 0.0);
        double tmin = k.getDouble("s_tmin", 0.0);
        double tmax = k.getDouble("s_tmax", Double.POSITIVE_INFINITY);
        double noise = k.getDouble("s_noise", 1.0);
        switch (c.name()) {
            case "EulerEDMSampler": return new EulerEDMSampler(d, steps, g, churn, tmin, tmax, noise);
            case "HeunEDMSampler": return new HeunEDMSampler(d, steps, g, churn, tmin, tmax, noise);
            case "EulerAncestralSampler": return new EulerAncestralSampler(d, steps, g, k.getDouble("eta", 1.0), noise);
            case "DPMPP2MSampler": return new DPMPP2MSampler(d, steps, g);
            case "DDIMSampler": return new DDIMSampler(d, steps, g, k.getDouble("eta", 0.0));
            default:
                throw new IllegalArgumentException("sampler '" + c.name() + "' is not supported (EulerEDMSampler, HeunEDMSampler, EulerAncestralSampler, DPMPP2MSampler, DDIMSampler)");
        }
    }
}
