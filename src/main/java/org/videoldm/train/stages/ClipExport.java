package org.videoldm.train.stages;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.videoldm.data.ClipDataset;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.model.SavedNetwork;
import org.videoldm.model.clip.BpeTrainer;
import org.videoldm.model.clip.CLIPModel;
import org.videoldm.model.clip.CLIPTextModel;
import org.videoldm.model.clip.CLIPWeights;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.train.ModelCard;

/**
 * Writes a trained toy CLIP where both of its uses find it: the CLIP folder {@code clip_toy/} as transformers lays one out
 * ({@code model.safetensors} with transformers' keys, {@code config.json}, {@code vocab.json} + {@code merges.txt}), which
 * {@code eval --clip} and {@link CLIPSim#load} read and which names its similarity {@code CLIPSIM-toy}; and its text tower
 * as the folder's {@code text_encoder} with {@code tokenizer/}, the text conditioning of text-to-image and text-to-video
 * stages. Each gets a model card ({@code clip_toy.md}, {@code text_encoder.md}).
 */
final class ClipExport {
    static final String KIND = "CLIPModel";

    record Result(Path weights, Path card) {}

    private ClipExport() {}

    static Result write(ClipTraining.Settings s, ClipDataset ds, CLIPModel model, BpeTrainer.Vocabulary vocab, Map<String, Double> metrics, Path csv) {
        Path out = s.outOrDefault();
        Path dir = out.resolve(CheckpointFolder.CLIP_TOY);
        ModelCard card = card(s, ds, model, vocab, metrics, csv).withNote("Made by `" + s.commandLine() + "`"
                + (s.mode == org.videoldm.train.RunMode.SMOKE ? " in smoke mode" : "") + "; the run is deterministic from its seed.");
        try {
            Files.createDirectories(dir);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put(SavedNetwork.KEY_KIND, KIND);
            meta.put(SavedNetwork.KEY_CONFIG, model.config().toJson().toString());
            meta.put(CLIPSim.KEY_METRIC, CLIPSim.TOY);
            meta.put(SavedNetwork.KEY_CARD, card.toJson().toString());
            SafetensorsWriter.write(dir.resolve("model.safetensors"), model.stateDict(), meta);
            Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(model.config().toJson()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the CLIP folder: " + e.getMessage(), e);
        }
        vocab.write(dir);
        card.writeMarkdown(out.resolve(CheckpointFolder.CLIP_TOY + ".md"));

        CLIPTextModel text = new CLIPTextModel(model.manager(), model.config().text_config());
        CLIPWeights.load(text, model.stateDict(), dir.toString());
        ModelCard textCard = new ModelCard(CheckpointFolder.TEXT_ENCODER, ClipTraining.STAGE, card.data(), List.of(CheckpointFolder.CLIP_TOY),
                model.config().text_config().toJson(), card.training(), text.parameterCount(), text.parameterCount(), card.steps(), card.batch(),
                card.batchUnit(), card.seed(), card.wallSeconds(), card.machine(), card.finalLoss(), metrics,
                List.of("The text tower of the toy CLIP `" + CheckpointFolder.CLIP_TOY + "/` as a text encoder: its last hidden state is the "
                        + "cross-attention context of text-conditioned stages. Tokenizer: `" + CheckpointFolder.TOKENIZER_DIR + "/`."));
        StageRuns.export(s, CheckpointFolder.TEXT_ENCODER, text, SavedNetwork.meta(), textCard);
        vocab.write(out.resolve(CheckpointFolder.TOKENIZER_DIR));
        return new Result(dir.resolve("model.safetensors"), out.resolve(CheckpointFolder.CLIP_TOY + ".md"));
    }

    private static ModelCard card(ClipTraining.Settings s, ClipDataset ds, CLIPModel model, BpeTrainer.Vocabulary vocab, Map<String, Double> metrics,
            Path csv) {
        double scale = Math.exp(Math.min(model.logitScale().getFloat(), Math.log(100)));
        return new ModelCard(CheckpointFolder.CLIP_TOY, ClipTraining.STAGE, StageRuns.dataCard(s, ds), List.of(), model.config().toJson(), s.toJson(),
                model.parameterCount(), model.parameterCount(), s.steps, s.batch, "frame-caption pairs", s.seed, StageRuns.trainingSeconds(csv),
                ModelCard.Machine.current(), StageRuns.finalLoss(csv, 50), metrics.isEmpty() ? Map.of() : withScale(metrics, scale),
                List.of("A toy CLIP trained here: similarities computed with it are **" + CLIPSim.TOY + "**, never comparable to published CLIPSIM "
                                + "(which needs real CLIP weights in checkpoints/clip).",
                        "Trained with CLIP's symmetric InfoNCE and learned temperature on one frame per training clip against the clip's caption "
                                + "(procedural scenes captioned from their parameters; real clips by caption files and sidecars). Frames are not "
                                + "mirrored. Frames go through CLIP's preprocessing at " + s.imageSize + " px: short side to " + s.imageSize
                                + ", centre crop, so a 64 x 128 frame is seen through its middle square.",
                        "Tokenizer: byte-level BPE in CLIP's format learnt from the training captions: " + vocab.merges().size() + " merges, "
                                + vocab.size() + " tokens (the 512 byte symbols kept, so any text tokenises).",
                        "Zero-shot accuracies are on held-out frames of procedural clips (one frame per held-out clip), three classes each "
                                + "(chance 0.33): time of day (day, dusk, night), weather (clear, rain, fog), traffic (no car, 1-2, 3-4). "
                                + "CLIPSIM-toy own/other caption: mean cosine of held-out frames with their own caption and with another held-out "
                                + "clip's.",
                        "Several clips of one video can share a batch: their captions then count as negatives of each other."));
    }

    private static Map<String, Double> withScale(Map<String, Double> metrics, double scale) {
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.put("logit scale exp(logit_scale)", scale);
        return m;
    }
}
