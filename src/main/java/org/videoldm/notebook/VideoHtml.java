package org.videoldm.notebook;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.videoldm.data.FrameGrid;
import org.videoldm.data.GifWriter;
import org.videoldm.data.Mp4Writer;
import org.videoldm.data.RgbFrame;
import org.videoldm.data.SideBySide;

/**
 * HTML snippets that show videos inline in Jupyter, with the media embedded as base64 so the
 * notebook (and its HTML export, which drops raw image/gif outputs) carries them. In a Java kernel:
 * {@code display(VideoHtml.video(frames, 10), "text/html");}
 */
public final class VideoHtml {
    /** Small clips (64x128) are drawn at least this wide so they can be seen. */
    private static final int MIN_DISPLAY_WIDTH = 256;

    private VideoHtml() {}

    /** An H.264 MP4 in a looping, muted {@code <video>} element. */
    public static String video(List<RgbFrame> frames, double fps) {
        return mp4(Mp4Writer.encode(frames, fps), frames.get(0).width());
    }

    /** Already encoded MP4 bytes, shown {@code width} pixels wide (or wider if tiny). */
    public static String mp4(byte[] mp4, int width) {
        return "<video controls loop muted autoplay playsinline width='" + displayWidth(width)
                + "' src='data:video/mp4;base64," + Base64.getEncoder().encodeToString(mp4) + "'></video>";
    }

    /** A looping animated GIF in an {@code <img>}: plays everywhere, even where MP4 does not. */
    public static String gif(List<RgbFrame> frames, double fps) {
        return "<img width='" + displayWidth(frames.get(0).width()) + "' style='image-rendering:pixelated' src='data:image/gif;base64,"
                + Base64.getEncoder().encodeToString(GifWriter.encode(frames, fps, true)) + "'/>";
    }

    /** A still image as PNG. */
    public static String image(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<img width='" + displayWidth(image.getWidth()) + "' style='image-rendering:pixelated' src='data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png.toByteArray()) + "'/>";
    }

    /** A still photo-like image as JPEG (quality 0.9): a tenth of the PNG's size for video frames. */
    public static String jpeg(BufferedImage image) {
        BufferedImage rgb = image;
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(rgb, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return "<img width='" + displayWidth(image.getWidth()) + "' src='data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray())
                + "'/>";
    }

    /** Frames of several videos as one image: a row per video, a column per frame. */
    public static String grid(List<List<RgbFrame>> videos) {
        return jpeg(FrameGrid.image(videos));
    }

    /** As {@link #grid(List)}, each row captioned. */
    public static String grid(List<List<RgbFrame>> videos, List<String> labels) {
        return jpeg(FrameGrid.image(videos, labels));
    }

    /** Videos side by side with captions (e.g. "real", "generated"), as one MP4. */
    public static String compare(List<List<RgbFrame>> videos, List<String> labels, double fps) {
        return video(SideBySide.compose(videos, labels), fps);
    }

    private static int displayWidth(int width) {
        if (width >= MIN_DISPLAY_WIDTH) {
            return width;
        }
        return width * Math.min(4, (MIN_DISPLAY_WIDTH + width - 1) / width);
    }
}
