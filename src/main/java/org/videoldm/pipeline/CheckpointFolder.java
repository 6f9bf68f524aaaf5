package org.videoldm.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.videoldm.model.SavedNetwork;

/**
 * The layout of a folder of trained networks (the shipped {@code checkpoints/toy/}, or a training run's output):
 * {@code NAME.safetensors} ({@link org.videoldm.model.SavedNetwork}) with its model card {@code NAME.md}, one per
 * network of the paper's pipeline.
 */
public final class CheckpointFolder {
    public static final String AUTOENCODER = "autoencoder";
    public static final String IMAGE_LDM = "image_ldm";
    /** The bounding-box-conditioned image LDM that sets up a simulated scenario's first frame. */
    public static final String BOX_LDM = "box_ldm";
    public static final String VIDEO_LDM = "video_ldm";
    public static final String VIDEO_DECODER = "video_decoder";
    public static final String PREDICTION = "prediction";
    public static final String INTERPOLATION = "interpolation";
    public static final String UPSAMPLER_IMAGE = "upsampler_image";
    public static final String UPSAMPLER_VIDEO = "upsampler_video";
    /** The text encoder of text-conditioned models (CLIP, SD 1.x's), with its tokenizer's files in {@link #TOKENIZER_DIR}. */
    public static final String TEXT_ENCODER = "text_encoder";
    /** Folder of the text encoder's tokenizer (vocab.json + merges.txt, or tokenizer.json). */
    public static final String TOKENIZER_DIR = "tokenizer";
    /** A toy CLIP folder as transformers lays one out (model.safetensors, config.json, vocab.json, merges.txt): CLIPSIM-toy. */
    public static final String CLIP_TOY = "clip_toy";
    /** The feature network of FVD-toy and FID-toy. */
    public static final String FVD_TOY = "fvd_toy";

    /** Where the shipped toy networks live, relative to the project root. */
    public static final String SHIPPED_TOY = "checkpoints/toy";

    /** How each network is made, for error messages. */
    private static final Map<String, String> HOW = Map.ofEntries(
            Map.entry(TEXT_ENCODER, "./videoldm train clip (a toy CLIP) or ./videoldm t2v init --sd-checkpoint FILE"),
            Map.entry(CLIP_TOY, "./videoldm train clip"),
            Map.entry(AUTOENCODER, "./videoldm train autoencoder"),
            Map.entry(IMAGE_LDM, "./videoldm train image-ldm"),
            Map.entry(VIDEO_LDM, "./videoldm train temporal"),
            Map.entry(VIDEO_DECODER, "./videoldm train decoder"),
            Map.entry(PREDICTION, "./videoldm train prediction"),
            Map.entry(INTERPOLATION, "./videoldm train interpolation"),
            Map.entry(UPSAMPLER_IMAGE, "./videoldm train upsampler"),
            Map.entry(UPSAMPLER_VIDEO, "./videoldm train upsampler"),
            Map.entry(FVD_TOY, "./videoldm train detector"));

    private final Path dir;

    private CheckpointFolder(Path dir) {
        this.dir = dir;
    }

    public static CheckpointFolder of(Path dir) {
        return new CheckpointFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path network(String name) {
        return dir.resolve(name + ".safetensors");
    }

    public Path card(String name) {
        return dir.resolve(name + ".md");
    }

    public boolean has(String name) {
        return Files.isRegularFile(network(name));
    }

    /** The network's file, or an error saying which file is missing and how to make it. */
    public Path require(String name) {
        Path p = network(name);
        if (!Files.isRegularFile(p)) {
            throw new MissingCheckpointException(name, p, missingMessage(name, p));
        }
        return p;
    }

    /**
     * Names the file as the command that makes it is run: from the project folder. (Notebooks work from notebooks/, so
     * their relative paths would start with ../ and mislead in a command line.)
     */
    static String missingMessage(String name, Path p) {
        String how = HOW.getOrDefault(name, "./videoldm train ...");
        Path abs = p.toAbsolutePath().normalize();
        Path root = org.videoldm.data.DataSources.projectRoot().toAbsolutePath().normalize();
        Path shown = abs.startsWith(root) && !abs.equals(root) ? root.relativize(abs) : abs;
        Path parent = shown.getParent() == null ? Path.of(".") : shown.getParent();
        return "checkpoint " + shown + " is missing: run notebooks 01-03, or in the project folder `" + how + " --out " + parent + "`, to create it";
    }

    /** A network file that is not there. */
    public static final class MissingCheckpointException extends IllegalArgumentException {
        private final String name;
        private final transient Path path;

        public MissingCheckpointException(String name, Path path, String message) {
            super(message);
            this.name = name;
            this.path = path;
        }

        public String name() {
            return name;
        }

        public Path path() {
            return path;
        }
    }

    /** Frame {height, width} the autoencoder was trained at (its metadata). */
    public int[] frameSize() {
        Path ae = network(AUTOENCODER);
        String v = SavedNetwork.metadata(ae).get(SavedNetwork.KEY_FRAME_SIZE);
        if (v == null) {
            throw new IllegalArgumentException(ae + ": no " + SavedNetwork.KEY_FRAME_SIZE + " in its metadata");
        }
        String[] hw = v.split("x");
        return new int[] {Integer.parseInt(hw[0].trim()), Integer.parseInt(hw[1].trim())};
    }
}
