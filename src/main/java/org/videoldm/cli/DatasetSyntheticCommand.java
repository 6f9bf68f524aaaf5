package org.videoldm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.SyntheticDriving;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = "Render procedural dash-cam clips (road, lanes, cars, day/dusk/night, rain/fog) into a folder, with manifest.json.")
public final class DatasetSyntheticCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--clips", defaultValue = "100", description = "Number of clips (default: ${DEFAULT-VALUE}).")
    int clips;

    @Option(names = "--size", defaultValue = "64x128", converter = ClipSize.Converter.class, paramLabel = "HxW",
            description = "Frame height x width (default: ${DEFAULT-VALUE}).")
    ClipSize size;

    @Option(names = "--frames", defaultValue = "16", description = "Frames per clip (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--seed", defaultValue = "0", description = "Same seed, same clips (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", defaultValue = "mp4", description = "mp4 (H.264 files) or png (a folder of frames per clip); default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--threads", description = "Rendering and encoding threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        SyntheticDriving.Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "mp4" -> SyntheticDriving.Format.MP4;
            case "png" -> SyntheticDriving.Format.PNG;
            default -> throw new IllegalArgumentException("--format must be mp4 or png, got '" + format + "'");
        };
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        new SyntheticDriving(clips, frames, size.height(), size.width(), seed).writeFolder(out, f, n);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "wrote %d clips of %d frames, %dx%d (height x width) at %s fps as %s to %s in %.2f s (%.0f clips/s)%n",
                clips, frames, size.height(), size.width(), (int) SyntheticDriving.FPS, f.name().toLowerCase(Locale.ROOT), out, s, clips / s);
        System.out.println("manifest: " + out.resolve("manifest.json"));
        return 0;
    }
}
