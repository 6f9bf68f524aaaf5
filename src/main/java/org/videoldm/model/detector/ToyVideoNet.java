package org.videoldm.model.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.videoldm.nn.Conv;
import org.videoldm.nn.GroupNorm;
import org.videoldm.nn.Linear;
import org.videoldm.nn.Module;
import org.videoldm.nn.ModuleList;
import org.videoldm.nn.Ops;

/**
 * A small 3D CNN for the toy domain, trained here (no I3D or Inception weights can be had) so that FVD and FID at toy
 * scale are computed in a feature space that knows driving: four 3x3x3 convolutions, each followed by GroupNorm and
 * SiLU, halving height and width every level and time from the third, then global average pooling. Its pooled
 * features are the embedding of FVD-toy (clips) and FID-toy (single frames, held still). Heads, used in training
 * only: a temporal head (ordered, reversed, shuffled, slowed, frozen: what a video model must get right) and one
 * head per label of the procedural scenes (time of day, weather, traffic, curvature, speed).
 */
public final class ToyVideoNet extends Module {
    /** Architecture and heads. */
    public record Config(int[] channels, int temporalClasses, Map<String, Integer> labelHeads) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            JsonArray c = new JsonArray();
            for (int v : channels) {
                c.add(v);
            }
            o.add("channels", c);
            o.addProperty("temporal_classes", temporalClasses);
            JsonObject h = new JsonObject();
            labelHeads.forEach(h::addProperty);
            o.add("label_heads", h);
            return o;
        }

        public static Config fromJson(JsonObject o) {
            JsonArray c = o.getAsJsonArray("channels");
            int[] ch = new int[c.size()];
            for (int i = 0; i < ch.length; i++) {
                ch[i] = c.get(i).getAsInt();
            }
            Map<String, Integer> heads = new LinkedHashMap<>();
            o.getAsJsonObject("label_heads").entrySet().forEach(e -> heads.put(e.getKey(), e.getValue().getAsInt()));
            return new Config(ch, o.get("temporal_classes").getAsInt(), heads);
        }
    }

    private final Config config;
    private final List<Conv> convs = new ArrayList<>();
    private final List<GroupNorm> norms = new ArrayList<>();
    private final Linear temporalHead;
    private final Map<String, Linear> labelHeads = new LinkedHashMap<>();

    public ToyVideoNet(NDManager m, Config c) {
        super(m);
        this.config = c;
        ModuleList blocks = register("blocks", new ModuleList(m));
        int in = 3;
        for (int i = 0; i < c.channels().length; i++) {
            int out = c.channels()[i];
            long st = i >= 2 ? 2 : 1; // time is halved from the third level on: 8 frames become 2
            ModuleList b = blocks.add(Integer.toString(i), new ModuleList(m));
            convs.add(b.add("conv", new Conv(m, in, out, new long[] {3, 3, 3}, new long[] {st, 2, 2}, new long[] {1, 1, 1}, true, false)));
            norms.add(b.add("norm", new GroupNorm(m, Math.min(8, out), out, 1e-5f)));
            in = out;
        }
        temporalHead = register("temporal_head", new Linear(m, in, c.temporalClasses(), true));
        ModuleList heads = register("label_heads", new ModuleList(m));
        c.labelHeads().forEach((name, classes) -> labelHeads.put(name, heads.add(name, new Linear(m, featureDim(c), classes, true))));
    }

    private static int featureDim(Config c) {
        return c.channels()[c.channels().length - 1];
    }

    public Config config() {
        return config;
    }

    public int featureDim() {
        return featureDim(config);
    }

    /** Pooled features [N, D] of clips [N, 3, T, H, W] in [-1, 1]. */
    public NDArray features(NDArray clips) {
        NDArray h = clips;
        for (int i = 0; i < convs.size(); i++) {
            h = Ops.silu(norms.get(i).forward(convs.get(i).forward(h)));
        }
        long[] sh = h.getShape().getShape();
        return h.reshape(sh[0], sh[1], -1).mean(new int[] {2});
    }

    /** Temporal-class logits [N, K] from features. */
    public NDArray temporalLogits(NDArray features) {
        return temporalHead.forward(features);
    }

    /** Label logits [N, classes] of one head from features. */
    public NDArray labelLogits(String head, NDArray features) {
        Linear l = labelHeads.get(head);
        if (l == null) {
            throw new IllegalArgumentException("ToyVideoNet: no label head '" + head + "' (has " + labelHeads.keySet() + ")");
        }
        return l.forward(features);
    }
}
