package org.videoldm.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.videoldm.util.AtomicFiles;

/**
 * What a trained network is and how it was made: written next to a shipped checkpoint as {@code NAME.md} and stored
 * as JSON inside it ({@code videoldm.card}). Everything needed to judge or repeat the run: data, stage, parent
 * checkpoints, configuration, parameter counts, steps, batch, seed, wall time, machine, final loss and metrics.
 *
 * @param name the checkpoint's name (file name without extension)
 * @param stage the training stage (e.g. {@code image-ldm}, {@code temporal})
 * @param data what it was trained on
 * @param parents checkpoints it started from (file names)
 * @param config the network's constructor kwargs
 * @param training optimisation settings (lr, warm-up, EMA, loss weights, ...)
 * @param parameters all parameters
 * @param trainableParameters the ones this stage trained
 * @param steps optimizer steps in total (including resumed ones)
 * @param batch samples per optimizer step (frames or clips, see {@code batchUnit})
 * @param batchUnit what a sample is ({@code frames}, {@code clips})
 * @param seed the run's seed (data order, noise, initialisation)
 * @param wallSeconds training time of the steps taken (summed over resumed runs when the loss log has them)
 * @param machine where it ran
 * @param finalLoss mean loss over the last steps
 * @param metrics further measurements (scale factor, flicker, FVD-rand, ...)
 * @param notes free remarks
 */
public record ModelCard(String name, String stage, Data data, List<String> parents, JsonObject config, JsonObject training, long parameters,
        long trainableParameters, long steps, int batch, String batchUnit, long seed, double wallSeconds, Machine machine, double finalLoss,
        Map<String, Double> metrics, List<String> notes) {

    /**
     * @param source the data folder as given (e.g. {@code synthetic}, {@code ../shared/datasets/driving})
     * @param videos training videos
     * @param clips training clips
     * @param validationVideos held-out videos
     * @param height frame height
     * @param width frame width
     * @param frames frames per clip
     * @param fps clip frame rate (0: the source rate)
     */
    public record Data(String source, int videos, int clips, int validationVideos, int height, int width, int frames, double fps) {}

    /**
     * @param cores processors the JVM saw
     * @param torchThreads intra-op threads of libtorch
     * @param os operating system and architecture
     * @param engine DJL engine and version
     */
    public record Machine(int cores, int torchThreads, String os, String engine) {
        public static Machine current() {
            String threads = System.getProperty("ai.djl.pytorch.num_threads");
            int cores = Runtime.getRuntime().availableProcessors();
            String engine;
            try {
                ai.djl.engine.Engine e = ai.djl.engine.Engine.getInstance();
                engine = e.getEngineName() + " " + e.getVersion();
            } catch (RuntimeException ex) {
                engine = "unknown";
            }
            return new Machine(cores, threads == null ? cores : Integer.parseInt(threads.trim()),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"), engine);
        }
    }

    public ModelCard {
        parents = parents == null ? List.of() : List.copyOf(parents);
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        notes = notes == null ? List.of() : List.copyOf(notes);
        config = config == null ? new JsonObject() : config;
        training = training == null ? new JsonObject() : training;
    }

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    public JsonObject toJson() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    public static ModelCard fromJson(JsonObject json) {
        return GSON.fromJson(json, ModelCard.class);
    }

    /** A card with one more metric. */
    public ModelCard withMetric(String key, double value) {
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.put(key, value);
        return new ModelCard(name, stage, data, parents, config, training, parameters, trainableParameters, steps, batch, batchUnit, seed,
                wallSeconds, machine, finalLoss, m, notes);
    }

    /** A card with one more note. */
    public ModelCard withNote(String note) {
        List<String> n = new java.util.ArrayList<>(notes);
        n.add(note);
        return new ModelCard(name, stage, data, parents, config, training, parameters, trainableParameters, steps, batch, batchUnit, seed,
                wallSeconds, machine, finalLoss, metrics, n);
    }

    /** The card as Markdown. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(name).append("\n\n");
        sb.append("Stage: **").append(stage).append("**");
        if (!parents.isEmpty()) {
            sb.append(", started from ").append(String.join(", ", parents.stream().map(p -> "`" + p + "`").toList()));
        }
        sb.append(".\n\n");
        sb.append("| | |\n|---|---|\n");
        if (data != null) {
            row(sb, "data", "`" + data.source() + "`: " + data.videos() + " training videos (" + data.clips() + " clips), "
                    + data.validationVideos() + " held out");
            row(sb, "frames", data.height() + " x " + data.width() + " (height x width), " + data.frames() + " per clip"
                    + (data.fps() > 0 ? String.format(Locale.ROOT, " at %.3g fps", data.fps()) : " at the source rate"));
        }
        row(sb, "parameters", String.format(Locale.ROOT, "%,d (%,d trained in this stage)", parameters, trainableParameters));
        row(sb, "steps", String.format(Locale.ROOT, "%,d, batch %d %s", steps, batch, batchUnit));
        row(sb, "seed", Long.toString(seed));
        row(sb, "final loss", Double.isNaN(finalLoss) ? "-" : String.format(Locale.ROOT, "%.5g", finalLoss));
        row(sb, "training time", String.format(Locale.ROOT, "%.1f min", wallSeconds / 60));
        if (machine != null) {
            row(sb, "machine", machine.cores() + " cores, " + machine.torchThreads() + " torch threads, " + machine.os() + ", " + machine.engine());
        }
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            row(sb, e.getKey(), String.format(Locale.ROOT, "%.5g", e.getValue()));
        }
        sb.append("\n");
        for (String n : notes) {
            sb.append("- ").append(n).append("\n");
        }
        if (!notes.isEmpty()) {
            sb.append("\n");
        }
        Gson pretty = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
        sb.append("## Training settings\n\n```json\n").append(pretty.toJson((JsonElement) training)).append("\n```\n\n");
        sb.append("## Network configuration (reference kwargs)\n\n```json\n").append(pretty.toJson((JsonElement) config)).append("\n```\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    /** Writes the Markdown card (temporary file, then rename). */
    public void writeMarkdown(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = AtomicFiles.temp(dir, "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, toMarkdown(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the model card: " + e.getMessage(), e);
        }
    }
}
