package org.videoldm.pipeline;

import java.util.List;
import java.util.Locale;
import org.videoldm.diffusion.DDIMSampler;
import org.videoldm.diffusion.DPMPP2MSampler;
import org.videoldm.diffusion.DiffusionSampler;
import org.videoldm.diffusion.Discretization;
import org.videoldm.diffusion.EDMDiscretization;
import org.videoldm.diffusion.EulerAncestralSampler;
import org.videoldm.diffusion.EulerEDMSampler;
import org.videoldm.diffusion.Guider;
import org.videoldm.diffusion.HeunEDMSampler;

/**
 * Samplers by name for the EDM-trained toy models, all on Karras et al.'s schedule
 * {@code EDMDiscretization(0.002, 80, 7)}: {@code euler}, {@code heun} (two network calls per step but the last),
 * {@code dpmpp2m}, {@code ddim} (deterministic, eta 0) and {@code ancestral} (Euler ancestral, eta 1).
 */
public final class Samplers {
    public static final List<String> NAMES = List.of("euler", "heun", "dpmpp2m", "ddim", "ancestral");

    private Samplers() {}

    /** The schedule the toy models sample on. */
    public static Discretization edmSchedule() {
        return new EDMDiscretization(0.002, 80, 7);
    }

    public static DiffusionSampler create(String name, int steps, Guider guider) {
        return create(name, steps, guider, edmSchedule());
    }

    /** A sampler by name on another schedule (Stable Diffusion's DDPM sigmas for its discrete denoiser). */
    public static DiffusionSampler create(String name, int steps, Guider guider, Discretization d) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "euler" -> new EulerEDMSampler(d, steps, guider);
            case "heun" -> new HeunEDMSampler(d, steps, guider);
            case "dpmpp2m", "dpm++2m" -> new DPMPP2MSampler(d, steps, guider);
            case "ddim" -> new DDIMSampler(d, steps, guider);
            case "ancestral", "euler_a" -> new EulerAncestralSampler(d, steps, guider);
            default -> throw new IllegalArgumentException("sampler '" + name + "' is not one of " + String.join(", ", NAMES));
        };
    }
}
