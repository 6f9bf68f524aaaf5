package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not (complete) videos give one clear error, and scans skip them. */
class BrokenVideoTest {
    private final VideoReader reader = VideoReader.pureJava();

    @TempDir
    Path tmp;

    /** A 40-frame H.264 Baseline MP4 of a rendered scene (header at the end, as the writer puts it). */
    private Path smallClip() {
        Path p = tmp.resolve("small_clip.mp4");
        if (!Files.exists(p)) {
            Mp4Writer.write(p, DrivingSceneRenderer.render(DrivingScene.random(7), 40, 64, 128), 10);
        }
        return p;
    }

    /** One line naming the file and what is wrong; the ffmpeg conversion command only where re-encoding would help. */
    private static void assertClearError(VideoDecodeException e, Path file, boolean conversionHelps, String... parts) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file + ": "), msg);
        for (String p : parts) {
            assertTrue(msg.contains(p), "missing '" + p + "' in: " + msg);
        }
        assertEquals(conversionHelps, msg.contains("ffmpeg -i " + file + " -c:v libx264 -profile:v baseline -pix_fmt yuv420p -an "), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void truncatedCopyNamesTheMissingHeader() throws IOException {
        byte[] all = Files.readAllBytes(smallClip());
        Path cut = tmp.resolve("cut.mp4");
        Files.write(cut, Arrays.copyOf(all, all.length * 6 / 10));
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.probe(cut));
        assertClearError(e, cut, false, "truncated file", "'mdat' box at byte 40", "but the file ends after " + all.length * 6 / 10 + " bytes",
                "'moov' box", "container mp4");
        assertThrows(VideoDecodeException.class, () -> reader.read(cut));
    }

    @Test
    void fileCutInsideTheMovieHeader() throws IOException {
        byte[] all = Files.readAllBytes(smallClip());
        Path cut = tmp.resolve("almost.mp4");
        Files.write(cut, Arrays.copyOf(all, all.length - 100));
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.probe(cut));
        assertClearError(e, cut, false, "truncated file: the movie header ('moov' box)");
    }

    @Test
    void mediaDataCutShortBehindAnIntactHeader() throws IOException {
        // As if a file with its header first had been cut: keep the header, drop half the media data.
        byte[] all = Files.readAllBytes(smallClip());
        int mdat = indexOf(all, "mdat".getBytes()) - 4;
        int moov = indexOf(all, "moov".getBytes()) - 4;
        int keep = (moov - mdat) / 2;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(all, 0, mdat);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(keep).array());
        out.write(all, mdat + 4, keep - 4);
        out.write(all, moov, all.length - moov);
        Path cut = Files.write(tmp.resolve("cut-media.mp4"), out.toByteArray());
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.probe(cut));
        assertClearError(e, cut, false, "truncated file: frame ", "(in decode order) needs bytes up to", "codec h264");
    }

    @Test
    void textFileNamedMp4IsNotAVideo() throws IOException {
        Path text = tmp.resolve("notes.mp4");
        Files.writeString(text, "These are my notes about the drive.\nNot a video at all.\n");
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.probe(text));
        assertClearError(e, text, false, "not a video", "holds text", "These are my notes", "container text");
        assertThrows(VideoDecodeException.class, () -> reader.countFrames(text));
    }

    @Test
    void emptyAndRandomFiles() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.mp4"));
        assertClearError(assertThrows(VideoDecodeException.class, () -> reader.probe(empty)), empty, false, "empty");
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        noise[0] = 0;
        Path random = Files.write(tmp.resolve("random.mp4"), noise);
        assertClearError(assertThrows(VideoDecodeException.class, () -> reader.probe(random)), random, false, "unrecognised content");
    }

    @Test
    void unsupportedH264ProfileIsNamedBeforeDecoding() throws IOException {
        byte[] b = Files.readAllBytes(smallClip());
        int avcC = indexOf(b, "avcC".getBytes()) + 4;
        assertTrue(avcC > 4);
        // avcC: version, profile, compatibility, level, length size, SPS count, SPS length (2), SPS NAL
        b[avcC + 1] = (byte) 244;
        b[avcC + 8 + 1] = (byte) 244;
        Path patched = Files.write(tmp.resolve("hi444.mp4"), b);
        VideoInfo info = reader.probe(patched);
        assertFalse(info.decodable());
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> reader.read(patched));
        assertClearError(e, patched, true, "H.264 High 4:4:4 Predictive", "beyond the pure-Java decoder", "codec h264, profile High 4:4:4 Predictive");
    }

    @Test
    void scanSkipsBrokenFilesWithWarnings() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("videos"));
        Mp4Writer.write(dir.resolve("good.mp4"), new SyntheticDriving(1, 6, 32, 64, 3).clip(0).frameList(), 10);
        byte[] all = Files.readAllBytes(smallClip());
        Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(all, all.length / 2));
        Files.writeString(dir.resolve("text.mp4"), "hello");
        Files.writeString(dir.resolve("readme.txt"), "not looked at: not a video extension");
        List<String> warnings = new ArrayList<>();
        VideoScan.Result r = VideoScan.scan(reader, List.of(dir), warnings::add);
        assertEquals(1, r.videos().size());
        assertEquals("videos/good.mp4", r.videos().get(0).id());
        assertEquals(2, r.skipped().size());
        assertEquals(2, warnings.size());
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("warning: skipped " + dir.resolve("cut.mp4") + ": truncated file")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("text.mp4") && w.contains("not a video")), warnings.toString());
    }

    @Test
    void ffmpegFallbackIsOptional() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        assertTrue(FfmpegDecoder.locate(bin.toString()).isEmpty());
        assertTrue(FfmpegDecoder.locate("").isEmpty());
        assertTrue(VideoReader.pureJava().ffmpeg().isEmpty());
        // Without ffmpeg a codec JCodec cannot read stays undecodable (here an MP4 relabelled as HEVC); with ffmpeg it is
        // handed over, and a failing ffmpeg is reported with its exit status.
        byte[] b = Files.readAllBytes(smallClip());
        int at = -1;
        for (int i = b.length - 4; i >= 0 && at < 0; i--) {
            at = b[i] == 'a' && b[i + 1] == 'v' && b[i + 2] == 'c' && b[i + 3] == '1' ? i : -1;
        }
        System.arraycopy("hvc1".getBytes(), 0, b, at, 4);
        Path hevc = Files.write(tmp.resolve("hevc.mp4"), b);
        assertFalse(reader.probe(hevc).decodable());
        Path failing = Files.writeString(tmp.resolve("failing-ffmpeg"), "#!/bin/sh\necho 'no decoder' >&2\nexit 3\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));
        VideoReader withFailing = VideoReader.withFfmpeg(failing);
        assertTrue(withFailing.probe(hevc).decodable());
        VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> withFailing.read(hevc));
        assertTrue(e.getMessage().contains("ffmpeg failed (exit 3): no decoder"), e.getMessage());
        // A PATH entry holding an executable ffmpeg is found.
        Path fake = Files.writeString(bin.resolve("ffmpeg"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(fake, FfmpegDecoder.locate(tmp.resolve("nothing") + java.io.File.pathSeparator + bin).orElseThrow());
    }

    private static int indexOf(byte[] b, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (b[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
