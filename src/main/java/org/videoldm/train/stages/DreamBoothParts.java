package org.videoldm.train.stages;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.videoldm.data.Clip;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.SubjectFrames;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.VideoTensors;
import org.videoldm.io.SafetensorsFile;
import org.videoldm.io.SafetensorsWriter;
import org.videoldm.metrics.CLIPSim;
import org.videoldm.nn.Ops;
import org.videoldm.pipeline.CheckpointFolder;
import org.videoldm.pipeline.FirstStage;
import org.videoldm.pipeline.TextToVideoPipeline;
import org.videoldm.util.Seeds;

/**
 * What {@link DreamBoothFinetuning} needs around its algorithm: images sampled from a prompt, the run folder's prior set,
 * batches of latents, subject similarity under CLIP, and the files that make the output folder sample on its own.
 */
final class DreamBoothParts {
    static final String PRIOR_FILE = "prior.safetensors";
    /** The prior-preservation set: class-prompt samples of the base model. */
    static final String PRIOR = "prior";
    /** Instance-prompt samples of the base model, for the before/after comparison. */
    static final String INSTANCE_BEFORE = "instance_before";
    /** Rows sampled at once (bounds the memory of large prior sets). */
    private static final int CHUNK = 8;

    private DreamBoothParts() {}

    /**
     * Scaled latents {@code [n, C, h, w]} of n images of {@code prompt}, in {@code m}; row i starts from the noise of seed
     * (seed, i), so the first rows of a larger draw are the same images (before and after fine-tuning compare like with like).
     */
    static NDArray sample(NDManager m, TextToVideoPipeline p, String prompt, int n, long seed, TextToVideoPipeline.Options o, Shape latent) {
        List<NDArray> parts = new ArrayList<>();
        for (int start = 0; start < n; start += CHUNK) {
            int len = Math.min(CHUNK, n - start);
            try (NDManager scope = m.newSubManager()) {
                NDArray[] noise = new NDArray[len];
                for (int i = 0; i < len; i++) {
                    noise[i] = Seeds.normal(scope, new Shape(1, latent.get(0), latent.get(1), latent.get(2)), Seeds.derive(seed, start + i));
                }
                // an image UNet treats the "frames" of one prompt as independent images: one batched sampling run
                NDArray z = p.sample(scope, List.of(prompt), "", len == 1 ? noise[0] : Ops.cat(0, noise), len, o);
                z.attach(m);
                parts.add(z);
            }
        }
        return parts.size() == 1 ? parts.get(0) : Ops.cat(0, parts.toArray(new NDArray[0]));
    }

    /**
     * The run folder's prior set when it is there and was made for {@code identity} (the settings that shape it), else
     * {@code make}'s, written once (temporary file, then rename) so that a resumed run trains on the very same images.
     */
    static Map<String, NDArray> priorSet(Path file, boolean reuse, Map<String, String> identity, Supplier<Map<String, NDArray>> make, NDManager m) {
        if (reuse && Files.isRegularFile(file)) {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                Map<String, String> found = f.metadata() == null ? Map.of() : f.metadata();
                for (Map.Entry<String, String> e : identity.entrySet()) {
                    if (!e.getValue().equals(found.get(e.getKey()))) {
                        throw new IllegalArgumentException(file + ": a prior set made with " + e.getKey() + " " + found.get(e.getKey()) + ", not "
                                + e.getValue() + "; start afresh (--no-resume) or use another --run-dir");
                    }
                }
                Map<String, NDArray> out = new LinkedHashMap<>();
                for (String k : f.keys()) {
                    out.put(k, f.get(k, m));
                }
                return out;
            }
        }
        Map<String, NDArray> made = make.get();
        SafetensorsWriter.write(file, made, identity);
        return made;
    }

    /** Frames [n, 3, H, W] to scaled latents, one float row per frame (batches are assembled from host rows each step). */
    static float[][] encode(FirstStage first, List<RgbFrame> frames, NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            return rows(first.encodeScaled(VideoTensors.framesInner(VideoTensors.toTensor(scope, List.of(Clip.of("subject", frames))))));
        }
    }

    static float[][] rows(NDArray x) {
        float[] all = x.toFloatArray();
        int n = (int) x.getShape().get(0);
        int d = all.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(all, i * d, (i + 1) * d);
        }
        return out;
    }

    /** {@code b} rows drawn from {@code instance}, then {@code b} from {@code prior}: {@code [2b, C, h, w]} in {@code m}. */
    static NDArray batch(NDManager m, float[][] instance, float[][] prior, SplittableRandom random, int b, Shape latent) {
        int d = instance[0].length;
        float[] out = new float[2 * b * d];
        for (int r = 0; r < 2 * b; r++) {
            float[][] from = r < b ? instance : prior;
            System.arraycopy(from[random.nextInt(from.length)], 0, out, r * d, d);
        }
        return m.create(out, new Shape(2L * b, latent.get(0), latent.get(1), latent.get(2)));
    }

    /** Scaled latents to frames through the image decoder. */
    static List<RgbFrame> decode(FirstStage first, NDArray z) {
        int n = (int) z.getShape().get(0);
        try (NDManager scope = z.getManager().newSubManager()) {
            NDArray x = first.decode(z, n, n);
            x.attach(scope);
            return VideoTensors.toFrames(x, n).get(0);
        }
    }

    /**
     * Before/after samples of both prompts (same noise), the preview {@code samples.png} (rows: subject, then each prompt
     * before and after), and the subject similarity under the folder's toy CLIP.
     */
    static void evaluate(DreamBoothFinetuning.Settings s, NDManager m, TextToVideoPipeline pipe, Map<String, NDArray> prior,
            SubjectFrames.Result subject, Path folder, TextToVideoPipeline.Options sampling, Shape latent, long[] seeds, Map<String, Double> metrics,
            List<String> notes) {
        FirstStage first = pipe.firstStage();
        long priorSeed = seeds[0];
        long instanceSeed = seeds[1];
        try (NDManager scope = m.newSubManager()) {
            int n = s.evalImages;
            Map<String, List<RgbFrame>> groups = new LinkedHashMap<>();
            groups.put("instance_before", decode(first, prior.get(INSTANCE_BEFORE)));
            groups.put("class_before", decode(first, prior.get(PRIOR).get("0:" + Math.min(n, s.priorImages))));
            groups.put("instance", decode(first, sample(scope, pipe, s.instancePrompt, n, instanceSeed, sampling, latent)));
            groups.put("class", decode(first, sample(scope, pipe, s.classPrompt, n, priorSeed, sampling, latent)));
            List<List<RgbFrame>> rows = new ArrayList<>(List.of(subject.frames()));
            rows.addAll(groups.values());
            Path png = StageRuns.writePreview(s, FrameGrid.image(rows, List.of("subject", "before: " + s.instancePrompt, "before: " + s.classPrompt,
                    "after: " + s.instancePrompt, "after: " + s.classPrompt)));
            System.err.println(DreamBoothFinetuning.STAGE + ": samples in " + png);
            Map<String, Double> sim = subjectSimilarity(folder, subject.frames(), groups);
            if (sim == null) {
                notes.add("Subject similarity not measured: no " + CheckpointFolder.CLIP_TOY + "/ in the source folder (made by ./videoldm train clip).");
                System.err.println(DreamBoothFinetuning.STAGE + ": no " + CheckpointFolder.CLIP_TOY + "/ in " + folder + ": subject similarity not measured");
                return;
            }
            sim.forEach((k, v) -> metrics.put("subject_sim_" + k, v));
            String line = String.format(Locale.ROOT, "subject similarity (mean cosine of " + CheckpointFolder.CLIP_TOY + "/ image embeddings with the %d subject frames, %d samples each): "
                    + "\"%s\" %.3f after, %.3f before; \"%s\" %.3f after, %.3f before", subject.frames().size(), n, s.instancePrompt, sim.get("instance"),
                    sim.get("instance_before"), s.classPrompt, sim.get("class"), sim.get("class_before"));
            System.err.println(DreamBoothFinetuning.STAGE + ": " + line);
            notes.add("S" + line.substring(1) + ".");
        }
    }

    /**
     * Subject similarity: for each group of images, the mean cosine of their CLIP image embeddings with those of the subject
     * frames (all pairs); null when {@code folder} has no {@code clip_toy/}.
     */
    static Map<String, Double> subjectSimilarity(Path folder, List<RgbFrame> subject, Map<String, List<RgbFrame>> groups) {
        Path dir = folder.resolve(CheckpointFolder.CLIP_TOY);
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            return null;
        }
        try (CLIPSim clip = CLIPSim.load(dir)) {
            float[][] ref = clip.imageEmbeddings(subject, 16);
            Map<String, Double> out = new LinkedHashMap<>();
            groups.forEach((name, frames) -> out.put(name, meanCosine(clip.imageEmbeddings(frames, 16), ref)));
            return out;
        }
    }

    /** Mean dot product over all pairs of unit rows. */
    static double meanCosine(float[][] a, float[][] b) {
        double sum = 0;
        for (float[] x : a) {
            for (float[] y : b) {
                for (int i = 0; i < x.length; i++) {
                    sum += x[i] * y[i];
                }
            }
        }
        return sum / ((double) a.length * b.length);
    }

    /** Autoencoder, text encoder and tokenizer of {@code from}, copied into {@code out} so that it samples on its own. */
    static void copyBesides(Path from, Path out) {
        try {
            Files.createDirectories(out);
            for (String f : new String[] {CheckpointFolder.AUTOENCODER + ".safetensors", CheckpointFolder.AUTOENCODER + ".md"}) {
                TextConditioning.copy(from.resolve(f), out.resolve(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot copy the autoencoder from " + from + ": " + e.getMessage(), e);
        }
        TextConditioning.copyTextEncoder(from, out);
    }

    /** The card's account of the fine-tuning. */
    static String trainingNote(DreamBoothFinetuning.Settings s, Path imagePath, SubjectFrames.Result subject, String objective) {
        return String.format(Locale.ROOT, "DreamBooth fine-tuning of the text-to-image LDM `%s`: %d frames of `%s` (evenly spaced over its %d) bound "
                + "to \"%s\"; prior preservation with %d images the base model sampled from \"%s\" before fine-tuning (%s, %d steps, guidance %s; "
                + "kept in the run folder as %s), loss (L_instance + %s L_prior) / 2 over batches of %d + %d rows. Every spatial weight trained (EMA "
                + "decay %s), text encoder frozen, no caption dropout; %s.", imagePath.getFileName(), subject.frames().size(), describe(s.subject,
                s.projectRoot), subject.total(), s.instancePrompt, s.priorImages, s.classPrompt, s.sampler, s.priorSteps, s.priorGuidance, PRIOR_FILE,
                s.priorWeight, s.batch, s.batch, s.emaDecay, objective);
    }

    /** The subject as cards name it: relative to the project when inside it, else its file name (no machine paths). */
    static String describe(Path subject, Path projectRoot) {
        Path abs = subject.toAbsolutePath().normalize();
        Path root = projectRoot.toAbsolutePath().normalize();
        return abs.startsWith(root) && !abs.equals(root) ? root.relativize(abs).toString() : String.valueOf(abs.getFileName());
    }
}
