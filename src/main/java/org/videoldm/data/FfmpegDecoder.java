package org.videoldm.data;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Optional fallback for what JCodec cannot decode: pipes raw RGB frames out of an {@code ffmpeg}
 * found on the PATH. Nothing requires it; without it those files get the conversion hint instead.
 */
public final class FfmpegDecoder {
    private FfmpegDecoder() {}

    /** The ffmpeg executable on a PATH-style list of folders, if there is one. */
    public static Optional<Path> locate(String pathVariable) {
        if (pathVariable == null || pathVariable.isBlank()) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "ffmpeg");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Decodes the first video stream of {@code info.path()}, whose size must be known. */
    static int forEachFrame(Path ffmpeg, VideoInfo info, int limit, IntPredicate wanted, FrameVisitor visitor) {
        Path path = info.path();
        if (info.width() <= 0 || info.height() <= 0) {
            throw new VideoDecodeException(path, "ffmpeg fallback needs the frame size, which the headers do not give", info);
        }
        List<String> cmd = List.of(ffmpeg.toString(), "-v", "error", "-nostdin", "-i", path.toString(), "-map", "0:v:0",
                "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        Process process;
        try {
            process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new VideoDecodeException(path, "cannot start " + ffmpeg + ": " + e.getMessage(), info, e);
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream err = process.getErrorStream()) {
                err.transferTo(errors);
            } catch (IOException ignored) {
                // the exit status reports failure anyway
            }
        });
        drain.setDaemon(true);
        drain.start();
        int frameBytes = info.width() * info.height() * 3;
        double fps = Double.isNaN(info.fps()) ? 1 : info.fps();
        int index = 0;
        try (InputStream out = process.getInputStream()) {
            while (index < limit) {
                byte[] rgb = out.readNBytes(frameBytes);
                if (rgb.length < frameBytes) {
                    break;
                }
                if (wanted.test(index)) {
                    visitor.frame(index, index / fps, new RgbFrame(info.width(), info.height(), rgb));
                }
                index++;
            }
            if (index >= limit) {
                process.destroy();
            }
            int status = process.waitFor();
            drain.join();
            if (status != 0 && index < limit) {
                throw new VideoDecodeException(path, "ffmpeg failed (exit " + status + "): " + errors.toString().strip(), info);
            }
        } catch (IOException e) {
            throw new VideoDecodeException(path, "reading ffmpeg's output failed: " + e.getMessage(), info, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VideoDecodeException(path, "interrupted while decoding with ffmpeg", info, e);
        } finally {
            process.destroy();
        }
        return index;
    }
}
