package org.videoldm.train.stages;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.videoldm.data.ClipLabels;
import org.videoldm.data.DrivingLabels;
import org.videoldm.data.DrivingScene;
import org.videoldm.diffusion.Conditioning;
import org.videoldm.diffusion.LabelConditioner;
import org.videoldm.model.UNetConfig;
import org.videoldm.train.StepContext;
import org.videoldm.util.Seeds;

/**
 * Scene-label conditioning of a diffusion stage (the paper's day/night and crowdedness labels): each clip's labels
 * ({@link ClipLabels}: label files, sidecars, exact procedural labels) as the {@code vector} input, with label dropout
 * drawn from (seed, step, micro-batch) ({@link LabelConditioner}). The network takes it through
 * {@code num_classes: sequential} with {@code adm_in_channels} = the vector's width.
 */
public final class LabelConditioning {
    /** The {@code videoldm.conditioning} metadata key of a label-conditioned network. */
    public static final String KEY = "labels";
    private static final long DROPOUT = 0x1ABE15L;

    private final LabelConditioner conditioner;
    private final ClipLabels labels;

    private LabelConditioning(LabelConditioner conditioner, ClipLabels labels) {
        this.conditioner = conditioner;
        this.labels = labels;
    }

    /** The labels of the stage's data (plus {@code labelFiles}); data with no labelled clip is an error. */
    static LabelConditioning load(StageSettings<?> s, List<Path> labelFiles, double ucgRate) {
        ClipLabels l = ClipLabels.of(StageRuns.clips(s, false), labelFiles);
        if (l.labelled() == 0) {
            throw new IllegalArgumentException("data '" + s.data + "': no clip has scene labels (procedural clips are labelled from their scenes; "
                    + "give your videos a labels.txt or --labels FILE, see docs/simulation.md)");
        }
        return new LabelConditioning(conditioner(ucgRate), l);
    }

    /** The driving labels' conditioner: time of day and crowdedness, three classes each. */
    public static LabelConditioner conditioner(double ucgRate) {
        return new LabelConditioner(DrivingLabels.GROUP_SIZES, ucgRate);
    }

    /** {@code unet} with the label vector as its {@code y}: {@code num_classes: sequential}, {@code adm_in_channels}. */
    public static UNetConfig withLabels(UNetConfig unet) {
        JsonObject o = unet.toJson();
        o.addProperty("num_classes", "sequential");
        o.addProperty("adm_in_channels", conditioner(0).vectorSize());
        return UNetConfig.fromJson(o);
    }

    /** The micro-batch's vector conditioning, one row per frame. */
    Conditioning batch(StepContext ctx, List<String> clipIds, int frames) {
        List<int[]> classes = new ArrayList<>(clipIds.size());
        for (String id : clipIds) {
            classes.add(labels.labels(id).classes());
        }
        return conditioner.forward(ctx.manager(), classes, Seeds.derive(ctx.seed(), DROPOUT, ctx.step(), ctx.micro()), frames);
    }

    ClipLabels labels() {
        return labels;
    }

    /** What a saved network's conditioning metadata says about its labels: groups, their classes in vector order, the dropout. */
    public static JsonObject metadata(double ucgRate) {
        JsonObject o = new JsonObject();
        JsonArray groups = new JsonArray();
        groups.add(group("time_of_day", DrivingScene.TimeOfDay.values()));
        groups.add(group("crowdedness", DrivingLabels.Crowdedness.values()));
        o.add("groups", groups);
        o.addProperty("ucg_rate", ucgRate);
        o.addProperty("unconditional", "zero vector");
        JsonObject c = new JsonObject();
        c.add(KEY, o);
        return c;
    }

    private static JsonObject group(String name, Enum<?>[] classes) {
        JsonObject g = new JsonObject();
        g.addProperty("name", name);
        JsonArray a = new JsonArray();
        for (Enum<?> e : classes) {
            a.add(e.name().toLowerCase(Locale.ROOT));
        }
        g.add("classes", a);
        return g;
    }

    /** Whether a saved network's conditioning metadata (may be null) marks it as label-conditioned. */
    public static boolean isLabelConditioned(JsonObject conditioning) {
        return conditioning != null && conditioning.has(KEY);
    }
}
