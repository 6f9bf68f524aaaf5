package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.SyntheticDriving;
import org.videoldm.data.VideoReader;

class VideoHtmlTest {
    private static final Pattern DATA = Pattern.compile("src='data:([a-z/0-9]+);base64,([A-Za-z0-9+/=]+)'");

    @TempDir
    Path tmp;

    private static List<RgbFrame> clip() {
        return new SyntheticDriving(1, 8, 64, 128, 5).clip(0).frameList();
    }

    private static byte[] payload(String html, String mime) {
        Matcher m = DATA.matcher(html);
        assertTrue(m.find(), html.substring(0, Math.min(200, html.length())));
        assertEquals(mime, m.group(1));
        return Base64.getDecoder().decode(m.group(2));
    }

    @Test
    void videoEmbedsAPlayableMp4() throws Exception {
        String html = VideoHtml.video(clip(), 10);
        assertTrue(html.startsWith("<video controls loop muted"), html.substring(0, 60));
        assertTrue(html.contains("width='768'"), "a 128-pixel clip is shown six times as wide");
        byte[] mp4 = payload(html, "video/mp4");
        Path file = Files.write(tmp.resolve("inline.mp4"), mp4);
        assertEquals(8, VideoReader.pureJava().probe(file).frameCount());
    }

    @Test
    void gifAndImagesAreWrappedInImgTags() throws Exception {
        String gif = VideoHtml.gif(clip(), 10);
        assertTrue(gif.startsWith("<img "));
        assertEquals("GIF89a", new String(payload(gif, "image/gif"), 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
        String grid = VideoHtml.grid(List.of(clip(), clip()));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(payload(grid, "image/jpeg")));
        // Two rows of eight 64x128 frames with gaps between them.
        assertEquals(2 * 64 + org.videoldm.data.FrameGrid.GAP, image.getHeight());
        assertEquals(8 * 128 + 7 * org.videoldm.data.FrameGrid.GAP, image.getWidth());
    }

    @Test
    void displayScalesAreWholeNumbersWithinTheWidthLimit() {
        assertEquals(6, VideoHtml.scale(128, 1), "768 pixels for a 128-pixel clip");
        assertEquals(3, VideoHtml.scale(256, 1));
        assertEquals(1, VideoHtml.scale(1038, 1));
        assertEquals(3, VideoHtml.scale(392, 3), "three 128-pixel videos in a row: 1176 pixels");
        assertEquals(2, VideoHtml.scale(524, 3), "four in a row would not fit at 3x");
        assertEquals(1, VideoHtml.scale(2000, 3), "too wide already: its own size");
        assertEquals(3, VideoHtml.compareColumns(3, 128));
        assertEquals(2, VideoHtml.compareColumns(4, 128), "four videos as 2 x 2");
        assertEquals(3, VideoHtml.compareColumns(5, 128), "five as 3 + 2");
        assertEquals(1, VideoHtml.compareColumns(2, 512));
    }

    @Test
    void comparisonsAreThreeTimesLargerWithAStripPerVideo() throws Exception {
        List<RgbFrame> a = clip();
        String html = VideoHtml.compare(List.of(a, a, a, a), List.of("real", "input", "per-frame", "aligned"), 10);
        // 2 x 2 videos of 128 pixels and a gap, three times as wide.
        assertTrue(html.contains("<video controls loop muted autoplay playsinline width='" + 3 * (2 * 128 + org.videoldm.data.SideBySide.GAP) + "'"),
                html.substring(0, 200));
        byte[] mp4 = payload(html, "video/mp4");
        Path file = Files.write(tmp.resolve("compare.mp4"), mp4);
        assertEquals(8, VideoReader.pureJava().probe(file).frameCount());
        for (String label : List.of("real", "input", "per-frame", "aligned")) {
            assertTrue(html.contains("<b>" + label + "</b>: all 8 frames"), label);
        }
        assertEquals(4 * 8, count(html, "data:image/jpeg"), "a thumbnail per frame of each video");
        assertTrue(html.contains("t = 7"));
    }

    @Test
    void aVideoWithItsStripSubsamplesLongVideos() {
        List<RgbFrame> sixteen = new SyntheticDriving(1, 16, 64, 128, 5).clip(0).frameList();
        String html = VideoHtml.withStrip(sixteen, 10);
        assertTrue(html.contains("width='768'"));
        assertEquals(FrameStrip.MAX_FRAMES, count(html, "data:image/jpeg"));
        assertTrue(html.contains("frames 0, 2, 4, 6, 9, 11, 13, 15 of 16 (evenly spaced)"), html.replaceAll("base64,[^']*", ""));
        assertTrue(html.contains("t = 15") && !html.contains("t = 14"));
    }

    @Test
    void gridsWiderThanTheLimitWrapIntoBlocksAndSaySo() throws Exception {
        List<RgbFrame> sixteen = new SyntheticDriving(1, 16, 64, 128, 5).clip(0).frameList();
        String html = VideoHtml.grid(List.of(sixteen, sixteen), List.of("a", "b"));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(payload(html, "image/jpeg")));
        assertTrue(image.getWidth() <= VideoHtml.MAX_WIDTH, "width " + image.getWidth());
        int labelW = 8 + 7;
        assertEquals(labelW + 8 * 128 + 7 * org.videoldm.data.FrameGrid.GAP, image.getWidth(), "two blocks of eight frames");
        assertEquals(2 * (2 * 64 + org.videoldm.data.FrameGrid.GAP) + org.videoldm.data.FrameGrid.BLOCK_GAP, image.getHeight());
        assertTrue(html.contains("16 frames in 2 blocks of rows: 0-7, 8-15"));
    }

    @Test
    void stripsCanShowARunOfConsecutiveFrames() {
        // 29 frames spread evenly over 8 would be 0, 4, ..., 28: only the keyframes of a video interpolated 4x.
        assertEquals("frames 0, 4, 8, 12, 16, 20, 24, 28 of 29 (evenly spaced)", FrameStrip.describe(FrameStrip.evenIndices(29, 8), 29));
        List<RgbFrame> clip = clip();
        String html = VideoHtml.compare(List.of(clip, clip), List.of("a", "b"), 10, new int[] {2, 3, 4, 5, 99});
        assertTrue(html.contains("<b>a</b>: frames 2-5 of 8"), "indices past the end are left out");
        assertEquals(2 * 4, count(html, "data:image/jpeg"));
        assertEquals("frames 1, 5 of 8", FrameStrip.describe(new int[] {1, 5}, 8));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
