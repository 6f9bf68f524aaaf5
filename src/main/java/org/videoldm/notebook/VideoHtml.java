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
    /** Small clips are drawn at least this wide (a 128-pixel frame six times its size), nearest-neighbour. */
    public static final int MIN_DISPLAY_WIDTH = 768;
    /** Nothing is drawn wider, so that a notebook column shows it whole. */
    public static final int MAX_WIDTH = 1200;
    /** Each video of a comparison is drawn at least this many times its size (if the row fits in {@link #MAX_WIDTH}). */
    public static final int COMPARE_SCALE = 3;

    private VideoHtml() {}

    /** An H.264 MP4 in a looping, muted {@code <video>} element. */
    public static String video(List<RgbFrame> frames, double fps) {
        return mp4(Mp4Writer.encode(frames, fps), frames.get(0).width());
    }

    /** Already encoded MP4 bytes, shown {@code width} pixels wide (or wider if tiny). */
    public static String mp4(byte[] mp4, int width) {
        return mp4(mp4, width, scale(width, 1));
    }

    /** MP4 bytes of frames {@code width} pixels wide, drawn {@code scale} times as wide. */
    static String mp4(byte[] mp4, int width, int scale) {
        return "<video controls loop muted autoplay playsinline width='" + width * scale + "' style='image-rendering:pixelated'"
                + " src='data:video/mp4;base64," + Base64.getEncoder().encodeToString(mp4) + "'></video>";
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
        return jpeg(image, displayWidth(image.getWidth()));
    }

    /** As {@link #jpeg(BufferedImage)}, drawn {@code width} pixels wide. */
    static String jpeg(BufferedImage image, int width) {
        return "<img width='" + width + "' style='image-rendering:pixelated' src='data:image/jpeg;base64,"
                + Base64.getEncoder().encodeToString(jpegBytes(image, 0.9f)) + "'/>";
    }

    static byte[] jpegBytes(BufferedImage image, float quality) {
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
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(rgb, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Frames of several videos as one image: a row per video, a column per frame, wrapped to {@link #MAX_WIDTH}. */
    public static String grid(List<List<RgbFrame>> videos) {
        return grid(videos, null);
    }

    /** As {@link #grid(List)}, each row captioned, with a line under it saying which frames stand where. */
    public static String grid(List<List<RgbFrame>> videos, List<String> labels) {
        int frames = videos.stream().mapToInt(List::size).max().orElse(0);
        int cellW = videos.stream().flatMap(List::stream).mapToInt(RgbFrame::width).max().orElse(1);
        return "<div>" + jpeg(FrameGrid.image(videos, labels, MAX_WIDTH)) + FrameStrip.caption(FrameStrip.escape(FrameGrid.describe(frames, cellW, labels, MAX_WIDTH)))
                + "</div>";
    }

    /**
     * Videos side by side with captions (e.g. "real", "generated") as one MP4, each at least {@link #COMPARE_SCALE}
     * times its size (in rows of up to three videos where one row would be too wide), with a strip of frames of each
     * video under it ({@link FrameStrip}).
     */
    public static String compare(List<List<RgbFrame>> videos, List<String> labels, double fps) {
        return compare(videos, labels, fps, null);
    }

    /**
     * As {@link #compare(List, List, double)}, the strips showing the frames {@code stripFrames} of each video (null:
     * up to {@link FrameStrip#MAX_FRAMES} spread evenly), e.g. a run of consecutive frames where an even spread would
     * pick only an interpolated video's keyframes.
     */
    public static String compare(List<List<RgbFrame>> videos, List<String> labels, double fps, int[] stripFrames) {
        int cellW = videos.stream().mapToInt(v -> v.get(0).width()).max().orElse(1);
        int columns = compareColumns(videos.size(), cellW);
        List<RgbFrame> composed = SideBySide.compose(videos, labels, columns);
        int width = composed.get(0).width();
        StringBuilder sb = new StringBuilder(FrameStrip.COLUMN).append(mp4(Mp4Writer.encode(composed, fps), width, scale(width, COMPARE_SCALE)));
        for (int i = 0; i < videos.size(); i++) {
            List<RgbFrame> v = videos.get(i);
            String title = labels == null ? "video " + i : labels.get(i);
            sb.append(stripFrames == null ? FrameStrip.strip(v, title, FrameStrip.MAX_FRAMES) : FrameStrip.strip(v, title, stripFrames));
        }
        return sb.append("</div>").toString();
    }

    /** A video (MP4, drawn at least {@link #MIN_DISPLAY_WIDTH} wide) with a strip of its frames, each labelled with its index, under it. */
    public static String withStrip(List<RgbFrame> frames, double fps) {
        return withStrip(frames, fps, null);
    }

    /** As {@link #withStrip(List, double)}, the strip captioned (null: no caption). */
    public static String withStrip(List<RgbFrame> frames, double fps, String caption) {
        return FrameStrip.COLUMN + video(frames, fps) + FrameStrip.strip(frames, caption, FrameStrip.MAX_FRAMES) + "</div>";
    }

    /**
     * How many videos of {@code cellWidth} pixels a comparison puts in a row: as many as fit in {@link #MAX_WIDTH} at
     * {@link #COMPARE_SCALE} times their size, spread evenly over the rows (four videos as 2 x 2, not 3 + 1).
     */
    static int compareColumns(int videos, int cellWidth) {
        int fit = Math.max(1, (MAX_WIDTH / COMPARE_SCALE + SideBySide.GAP) / (cellWidth + SideBySide.GAP));
        int rows = (videos + fit - 1) / fit;
        return (videos + rows - 1) / rows;
    }

    /**
     * The whole-number factor a picture {@code width} pixels wide is drawn at: at least {@code minScale} and enough to
     * reach {@link #MIN_DISPLAY_WIDTH}, but never past {@link #MAX_WIDTH} (1 if even its own width is wider).
     */
    static int scale(int width, int minScale) {
        int s = Math.max(minScale, (MIN_DISPLAY_WIDTH + width - 1) / width);
        while (s > 1 && (long) s * width > MAX_WIDTH) {
            s--;
        }
        return s;
    }

    private static int displayWidth(int width) {
        return width * scale(width, 1);
    }
}
