package org.videoldm.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import org.videoldm.model.detector.InceptionI3d;

/**
 * Finding and building the metric detectors. A weights file ending in {@code .safetensors} loads into
 * our own network; a {@code .pt}/{@code .pth}/{@code .ts} file is taken as TorchScript. With no file
 * and {@code allowRandom}, the seeded random network is used and named "-rand"; without it, a missing
 * file is an error that says what to download and where to put it.
 */
public final class Detectors {
    public static final Path DEFAULT_DIR = Path.of("checkpoints", "detectors");
    public static final String I3D_FILE = "i3d_pretrained_400.safetensors";
    public static final String INCEPTION_FILE = "pt_inception-2015-12-05.safetensors";
    public static final long DEFAULT_SEED = 0;

    private Detectors() {}

    /** The FVD detector: {@code weights} if given, else the default file if present, else random (if allowed). */
    public static FeatureDetector i3d(Path weights, boolean allowRandom, long seed) {
        return i3d(weights, DEFAULT_DIR, allowRandom, seed);
    }

    /** As {@link #i3d(Path, boolean, long)}, looking for the default file in {@code dir}. */
    public static FeatureDetector i3d(Path weights, Path dir, boolean allowRandom, long seed) {
        return i3d(weights, dir, allowRandom, seed, null);
    }

    /** {@code randomResolution}: input size of the random fallback for toy runs and tests (null: the recipe's 224). */
    public static FeatureDetector i3d(Path weights, Path dir, boolean allowRandom, long seed, Integer randomResolution) {
        Path p = weights != null ? weights : dir.resolve(I3D_FILE);
        if (Files.isRegularFile(p)) {
            return isTorchScript(p) ? TorchScriptDetector.load(p, FeatureDetector.Input.CLIPS, 400)
                    : I3DDetector.pretrained(p, InceptionI3d.TF_BN_EPS);
        }
        if (weights != null) {
            throw new IllegalArgumentException(weights + ": no such detector file");
        }
        if (allowRandom) {
            return I3DDetector.random(seed, randomResolution == null ? I3DDetector.RECIPE_RESOLUTION : randomResolution);
        }
        throw new IllegalArgumentException("FVD needs the Kinetics-400 I3D weights: put " + p
                + " (a safetensors conversion of the PyTorch I3D port's i3d_pretrained_400.pt / rgb_imagenet.pt state dict) or StyleGAN-V's i3d_torchscript.pt there,"
                + " or pass --i3d FILE; see docs/metrics.md. Or use --random-detectors for FVD-rand (not comparable to published FVD)");
    }

    /** The FID (and image IS) detector, resolved like {@link #i3d}. */
    public static FeatureDetector inception(Path weights, boolean allowRandom, long seed) {
        return inception(weights, DEFAULT_DIR, allowRandom, seed);
    }

    public static FeatureDetector inception(Path weights, Path dir, boolean allowRandom, long seed) {
        return inception(weights, dir, allowRandom, seed, null);
    }

    public static FeatureDetector inception(Path weights, Path dir, boolean allowRandom, long seed, Integer randomResolution) {
        Path p = weights != null ? weights : dir.resolve(INCEPTION_FILE);
        if (Files.isRegularFile(p)) {
            return isTorchScript(p) ? TorchScriptDetector.load(p, FeatureDetector.Input.FRAMES, 2048) : InceptionDetector.pretrained(p);
        }
        if (weights != null) {
            throw new IllegalArgumentException(weights + ": no such detector file");
        }
        if (allowRandom) {
            return InceptionDetector.random(seed, randomResolution == null ? InceptionDetector.RECIPE_RESOLUTION : Math.max(75, randomResolution));
        }
        throw new IllegalArgumentException("FID needs pytorch-fid's Inception weights: put " + p
                + " (a safetensors conversion of pt_inception-2015-12-05-6726825d.pth) or StyleGAN2-ADA's inception-2015-12-05.pt there,"
                + " or pass --inception FILE; see docs/metrics.md. Or use --random-detectors for FID-rand (not comparable to published FID)");
    }

    static boolean isTorchScript(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".ts") || n.endsWith(".torchscript");
    }
}
