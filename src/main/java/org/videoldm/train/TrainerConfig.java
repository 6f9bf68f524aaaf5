package org.videoldm.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.videoldm.util.Progress;

/**
 * Optimisation settings (fluent setters, JSON round trip for checkpoints). Defaults follow torch's AdamW
 * (betas 0.9/0.999, eps 1e-8, weight decay 0.01) and sgm's EMA decay 0.9999.
 */
public final class TrainerConfig {
    /** Parameters whose name matches {@code regex} (find) train with lr x lrScale and their own weight decay. */
    public record ParamGroup(String name, String regex, double lrScale, double weightDecay) {
        boolean matches(String param) {
            return Pattern.compile(regex).matcher(param).find();
        }
    }

    public double lr = 1e-4;
    public double beta1 = 0.9;
    public double beta2 = 0.999;
    public double eps = 1e-8;
    public double weightDecay = 0.01;
    public long warmupSteps = 0;
    /** Global gradient-norm clipping threshold; 0 turns it off. */
    public double gradClip = 0;
    /** Micro-batches per optimizer step. */
    public int accumulation = 1;
    /** EMA decay; 0 keeps no EMA. */
    public double emaDecay = 0.9999;
    public long seed = 0;
    /** Write a checkpoint every N steps (and at the end of each run); 0: only at the end. */
    public long checkpointEvery = 0;
    public String checkpoint;
    public String lossLog;
    public List<ParamGroup> groups = new ArrayList<>();
    public transient Progress.Mode progress = Progress.Mode.AUTO;

    public TrainerConfig lr(double v) { lr = v; return this; }
    public TrainerConfig betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    public TrainerConfig eps(double v) { eps = v; return this; }
    public TrainerConfig weightDecay(double v) { weightDecay = v; return this; }
    public TrainerConfig warmupSteps(long v) { warmupSteps = v; return this; }
    public TrainerConfig gradClip(double v) { gradClip = v; return this; }
    public TrainerConfig accumulation(int v) { accumulation = v; return this; }
    public TrainerConfig emaDecay(double v) { emaDecay = v; return this; }
    public TrainerConfig seed(long v) { seed = v; return this; }
    public TrainerConfig checkpointEvery(long v) { checkpointEvery = v; return this; }
    public TrainerConfig checkpoint(java.nio.file.Path p) { checkpoint = p == null ? null : p.toString(); return this; }
    public TrainerConfig lossLog(java.nio.file.Path p) { lossLog = p == null ? null : p.toString(); return this; }
    public TrainerConfig progress(Progress.Mode m) { progress = m; return this; }

    public TrainerConfig group(String name, String regex, double lrScale, double weightDecay) {
        groups.add(new ParamGroup(name, regex, lrScale, weightDecay));
        return this;
    }

    /** The group of a trainable parameter: the first whose pattern matches, else the default (lr x 1, weightDecay). */
    public ParamGroup groupOf(String param) {
        for (ParamGroup g : groups) {
            if (g.matches(param)) {
                return g;
            }
        }
        return new ParamGroup("default", "", 1.0, weightDecay);
    }

    void validate() {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("trainer: lr must be positive, got " + lr);
        }
        if (accumulation < 1) {
            throw new IllegalArgumentException("trainer: accumulation must be at least 1, got " + accumulation);
        }
        if (gradClip < 0) {
            throw new IllegalArgumentException("trainer: grad_clip must not be negative, got " + gradClip);
        }
    }

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    public JsonObject toJson() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    public static TrainerConfig fromJson(JsonObject json) {
        TrainerConfig c = GSON.fromJson(json, TrainerConfig.class);
        if (c.groups == null) {
            c.groups = new ArrayList<>();
        }
        c.progress = Progress.Mode.AUTO;
        return c;
    }
}
