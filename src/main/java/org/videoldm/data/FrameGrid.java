package org.videoldm.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** One still image of several videos: a row per video, a column per frame. */
public final class FrameGrid {
    /** Pixels between cells. */
    public static final int GAP = 2;

    private FrameGrid() {}

    /** Rows are videos, columns frames; videos may differ in length and size (cells fit the largest). */
    public static BufferedImage image(List<List<RgbFrame>> videos) {
        return image(videos, null);
    }

    /** As {@link #image(List)}, with a label to the left of each row (null for none). */
    public static BufferedImage image(List<List<RgbFrame>> videos, List<String> labels) {
        int cellW = 0;
        int cellH = 0;
        int cols = 0;
        for (List<RgbFrame> v : videos) {
            cols = Math.max(cols, v.size());
            for (RgbFrame f : v) {
                cellW = Math.max(cellW, f.width());
                cellH = Math.max(cellH, f.height());
            }
        }
        if (cols == 0) {
            throw new IllegalArgumentException("no frames to draw");
        }
        int labelW = labels == null ? 0 : 8 + 7 * labels.stream().mapToInt(String::length).max().orElse(0);
        int w = labelW + cols * cellW + (cols - 1) * GAP;
        int h = videos.size() * cellH + (videos.size() - 1) * GAP;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int row = 0; row < videos.size(); row++) {
            int y = row * (cellH + GAP);
            if (labels != null && row < labels.size()) {
                g.setColor(Color.BLACK);
                g.drawString(labels.get(row), 4, y + cellH / 2 + 4);
            }
            List<RgbFrame> v = videos.get(row);
            for (int col = 0; col < v.size(); col++) {
                g.drawImage(v.get(col).toImage(), labelW + col * (cellW + GAP), y, null);
            }
        }
        g.dispose();
        return out;
    }

    public static void writePng(Path file, List<List<RgbFrame>> videos) {
        writePng(file, image(videos));
    }

    public static void writePng(Path file, BufferedImage image) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write PNG: " + e.getMessage(), e);
        }
    }
}
