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
        assertTrue(html.contains("width='256'"), "a 128-pixel clip is shown twice as wide");
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
        String compare = VideoHtml.compare(List.of(clip(), clip()), List.of("real", "generated"), 10);
        assertTrue(compare.startsWith("<video "));
    }
}
