package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write, read back, compare: MP4 through JCodec, GIF through ImageIO, grids and comparisons. */
class MediaRoundTripTest {
    @TempDir
    Path tmp;

    private final VideoReader reader = VideoReader.pureJava();

    private static List<RgbFrame> synthetic() {
        return new SyntheticDriving(1, 16, 64, 128, 42).clip(0).frameList();
    }

    /** 24 frames of a real clip, shrunk to 170x128. */
    private List<RgbFrame> real() {
        Path demo = SharedClips.root().resolve("nondriving/mmaction2_demo.baseline.mp4");
        return reader.readFirst(demo, 24, f -> FrameResize.resize(f, 170, 128)).frames();
    }

    private double roundTrip(List<RgbFrame> frames, double fps, String name) {
        Path file = tmp.resolve(name);
        Mp4Writer.write(file, frames, fps);
        VideoInfo info = reader.probe(file);
        assertEquals("h264", info.codec());
        assertTrue(info.profile().startsWith("Baseline") || info.profile().startsWith("Constrained Baseline"), info.profile());
        assertEquals(frames.size(), info.frameCount());
        assertEquals(fps, info.fps(), 1e-3);
        Video back = reader.read(file);
        assertEquals(frames.size(), back.size());
        assertEquals(frames.get(0).width(), back.width());
        assertEquals(frames.get(0).height(), back.height());
        return Psnr.of(frames, back.frames());
    }

    @Test
    void mp4KeepsFrameCountSizeAndPixels() {
        double scenes = roundTrip(synthetic(), 10, "scenes.mp4");
        double video = roundTrip(real(), 30000.0 / 1001, "real.mp4");
        System.out.printf(Locale.ROOT, "MP4 round trip PSNR: procedural scenes %.2f dB, real clip %.2f dB%n", scenes, video);
        // Measured with QP 20 on every frame: 36.0 dB (procedural scenes) and 35.1 dB (real clip).
        // JCodec's default rate control (QP 26 on P frames) gives ~28 dB. 32 dB leaves 3 dB of
        // margin and still fails on a lost colour range or a frame out of place.
        assertTrue(scenes > 32, "scenes " + scenes);
        assertTrue(video > 32, "real " + video);
    }

    @Test
    void oddSizesArePaddedToEven() {
        List<RgbFrame> frames = new ArrayList<>();
        for (RgbFrame f : synthetic().subList(0, 4)) {
            frames.add(f.crop(0, 0, 127, 63));
        }
        Path file = tmp.resolve("odd.mp4");
        Mp4Writer.write(file, frames, 10);
        Video back = reader.read(file);
        assertEquals(128, back.width());
        assertEquals(64, back.height());
        assertTrue(Psnr.of(frames.get(2), back.frame(2).crop(0, 0, 127, 63)) > 30);
    }

    @Test
    void gifLoopsAndKeepsFrames() throws Exception {
        List<RgbFrame> frames = synthetic();
        Path file = tmp.resolve("clip.gif");
        GifWriter.write(file, frames, 8);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("GIF89a", new String(bytes, 0, 6, "US-ASCII"));
        assertTrue(new String(bytes, "ISO-8859-1").contains("NETSCAPE2.0"), "loop extension missing");
        VideoInfo info = reader.probe(file);
        assertEquals(16, info.frameCount());
        assertEquals(8, info.fps(), 0.1);
        Video back = reader.read(file);
        assertEquals(128, back.width());
        assertEquals(64, back.height());
        double psnr = Psnr.of(frames, back.frames());
        // 256-colour palettes per frame: measured 31.5 dB on the procedural scenes.
        assertTrue(psnr > 28, "GIF PSNR " + psnr);
    }

    @Test
    void gridHasARowPerVideoAndAColumnPerFrame() throws Exception {
        List<RgbFrame> a = synthetic().subList(0, 5);
        List<RgbFrame> b = synthetic().subList(5, 8);
        BufferedImage grid = FrameGrid.image(List.of(a, b));
        assertEquals(5 * 128 + 4 * FrameGrid.GAP, grid.getWidth());
        assertEquals(2 * 64 + FrameGrid.GAP, grid.getHeight());
        RgbFrame cells = RgbFrame.fromImage(grid);
        // Second row, third column is b[2]; the fourth column of the second row is empty (white).
        RgbFrame cell = cells.crop(2 * (128 + FrameGrid.GAP), 64 + FrameGrid.GAP, 128, 64);
        assertEquals(b.get(2), cell);
        assertEquals(255, cells.get(3 * (128 + FrameGrid.GAP) + 5, 64 + FrameGrid.GAP + 5, 0));
        FrameGrid.writePng(tmp.resolve("grid.png"), List.of(a, b));
        assertTrue(Files.size(tmp.resolve("grid.png")) > 1000);
    }

    @Test
    void sideBySidePlacesVideosInOrderAndHoldsTheLastFrame() {
        List<RgbFrame> a = synthetic();
        List<RgbFrame> b = new SyntheticDriving(2, 10, 64, 128, 42).clip(1).frameList();
        List<RgbFrame> out = SideBySide.compose(List.of(a, b), List.of("real", "generated"));
        assertEquals(16, out.size());
        RgbFrame last = out.get(15);
        assertEquals(2 * 128 + SideBySide.GAP, last.width());
        int top = last.height() - 64;
        assertTrue(top > 8, "room for captions");
        assertEquals(a.get(15), last.crop(0, top, 128, 64));
        assertEquals(b.get(9), last.crop(128 + SideBySide.GAP, top, 128, 64));
        assertEquals(128 + SideBySide.GAP + 128, SideBySide.compose(List.of(a, b), null).get(0).width());
        assertEquals(64, SideBySide.compose(List.of(a, b), null).get(0).height());
    }
}
