package org.videoldm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.videoldm.data.VideoDecodeException;
import org.videoldm.data.VideoInfo;
import org.videoldm.data.VideoReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show what a video holds: container, codec, resolution, fps, frame count; says how to convert what cannot be decoded.")
public final class InfoCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "VIDEO", description = "Video files (MP4, GIF, AVI, ...) or folders of PNG/JPEG frames.")
    List<Path> videos;

    @Option(names = "--decode", description = "Also decode every frame to RGB and report the count and speed.")
    boolean decode;

    @Override
    public Integer call() {
        VideoReader reader = VideoReader.standard();
        int failures = 0;
        for (int i = 0; i < videos.size(); i++) {
            Path video = videos.get(i);
            if (i > 0) {
                System.out.println();
            }
            try {
                VideoInfo info = reader.probe(video);
                System.out.print(info.describe());
                if (decode && info.decodable()) {
                    long t0 = System.nanoTime();
                    int n = reader.forEachFrame(video, k -> true, (k, t, f) -> { });
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "%-11s %d frames to RGB in %.2f s (%.1f frames/s)%n", "decoded:", n, s, n / s);
                }
            } catch (VideoDecodeException e) {
                if (videos.size() == 1) {
                    throw e;
                }
                System.err.println("error: " + e.getMessage());
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
