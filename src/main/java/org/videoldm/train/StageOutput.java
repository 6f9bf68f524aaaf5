package org.videoldm.train;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.videoldm.data.ClipDataset;
import org.videoldm.data.ClipOptions;
import org.videoldm.model.SavedNetwork;
import org.videoldm.nn.Module;

/** What the latent stages share at the end of a run: loss summary, model card, exported network. */
final class StageOutput {
    /** Steps averaged for the card's final loss. */
    static final int FINAL_LOSS_STEPS = 50;

    private StageOutput() {}

    /** Mean loss over the last {@link #FINAL_LOSS_STEPS} logged steps (NaN without a log). */
    static double finalLoss(Path lossCsv) {
        if (!Files.isRegularFile(lossCsv)) {
            return Double.NaN;
        }
        List<LossLog.Row> rows = LossLog.read(lossCsv);
        if (rows.isEmpty()) {
            return Double.NaN;
        }
        return rows.subList(Math.max(0, rows.size() - FINAL_LOSS_STEPS), rows.size()).stream().mapToDouble(LossLog.Row::loss).average().orElse(Double.NaN);
    }

    /** Training time of all logged steps, including those of resumed runs. */
    static double wallSeconds(Path lossCsv) {
        if (!Files.isRegularFile(lossCsv)) {
            return 0;
        }
        List<LossLog.Row> rows = LossLog.read(lossCsv);
        return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).elapsedSeconds();
    }

    static ModelCard.Data data(String spec, ClipDataset dataset, int clips, ClipOptions o) {
        return new ModelCard.Data(spec, dataset.trainVideos().size(), clips, dataset.validationVideos().size(), o.height(), o.width(), o.frames(),
                o.targetFps());
    }

    /** Denoiser metadata of our EDM-preconditioned models. */
    static JsonObject edmDenoiser() {
        JsonObject d = new JsonObject();
        d.addProperty("scaling", "edm");
        d.addProperty("sigma_data", 0.5);
        return d;
    }

    /** Writes the network (with the card inside) and the card as Markdown next to it ({@code NAME.md}). */
    static void export(Path file, Module module, SavedNetwork.Meta meta, ModelCard card, boolean float16) {
        SavedNetwork.save(file, module, meta.card(card.toJson()), float16);
        String name = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
        card.writeMarkdown(file.resolveSibling(name + ".md"));
    }
}
