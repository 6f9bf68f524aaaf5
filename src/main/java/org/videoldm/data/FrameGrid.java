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

/** One still image of several videos: a row per video, a column per frame (wrapped into blocks of rows to fit a width). */
public final class FrameGrid {
    /** Pixels between cells. */
    public static final int GAP = 2;
    /** Pixels between blocks of rows when a grid wraps. */
    public static final int BLOCK_GAP = 12;

    private FrameGrid() {}

    /** Rows are videos, columns frames; videos may differ in length and size (cells fit the largest). */
    public static BufferedImage image(List<List<RgbFrame>> videos) {
        return image(videos, null);
    }

    /** As {@link #image(List)}, with a label to the left of each row (null for none). */
    public static BufferedImage image(List<List<RgbFrame>> videos, List<String> labels) {
        return image(videos, labels, Integer.MAX_VALUE);
    }

    /**
     * As {@link #image(List, List)}, at most {@code maxWidth} pixels wide: when the frames do not fit in one row they
     * wrap into blocks of rows, frames {@code [0, c)} of every video, then {@code [c, 2c)} and so on ({@link #blocks}),
     * so that every frame is shown and the videos stay aligned frame by frame within a block.
     */
    public static BufferedImage image(List<List<RgbFrame>> videos, List<String> labels, int maxWidth) {
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
        int labelW = labelWidth(labels);
        int[][] blocks = blocks(cols, columnsThatFit(cellW, labelW, maxWidth));
        int perBlock = blocks[0][1] - blocks[0][0];
        int blockH = videos.size() * cellH + (videos.size() - 1) * GAP;
        int w = labelW + perBlock * cellW + (perBlock - 1) * GAP;
        int h = blocks.length * blockH + (blocks.length - 1) * BLOCK_GAP;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int b = 0; b < blocks.length; b++) {
            for (int row = 0; row < videos.size(); row++) {
                int y = b * (blockH + BLOCK_GAP) + row * (cellH + GAP);
                if (labels != null && row < labels.size()) {
                    g.setColor(Color.BLACK);
                    g.drawString(labels.get(row), 4, y + cellH / 2 + 4);
                }
                List<RgbFrame> v = videos.get(row);
                for (int t = blocks[b][0]; t < Math.min(blocks[b][1], v.size()); t++) {
                    g.drawImage(v.get(t).toImage(), labelW + (t - blocks[b][0]) * (cellW + GAP), y, null);
                }
            }
        }
        g.dispose();
        return out;
    }

    /** Width of the label column (0 without labels). */
    static int labelWidth(List<String> labels) {
        return labels == null ? 0 : 8 + 7 * labels.stream().mapToInt(String::length).max().orElse(0);
    }

    /** How many cells of {@code cellWidth} fit next to the labels in {@code maxWidth} pixels (at least one). */
    public static int columnsThatFit(int cellWidth, int labelWidth, int maxWidth) {
        long fit = ((long) maxWidth - labelWidth + GAP) / (cellWidth + GAP);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fit));
    }

    /**
     * {@code frames} split into the fewest blocks of at most {@code maxColumns} consecutive frames, as even as
     * possible (16 frames at most 9 a row: two blocks of 8, not 9 and 7): {@code [start, end)} per block.
     */
    public static int[][] blocks(int frames, int maxColumns) {
        int count = (frames + maxColumns - 1) / maxColumns;
        int per = (frames + count - 1) / count;
        int[][] out = new int[(frames + per - 1) / per][];
        for (int b = 0; b < out.length; b++) {
            out[b] = new int[] {b * per, Math.min(frames, (b + 1) * per)};
        }
        return out;
    }

    /** Which frames a grid of {@code frames} frames wrapped at {@code maxWidth} shows where, e.g. "16 frames in 2 blocks of rows: 0-7, 8-15". */
    public static String describe(int frames, int cellWidth, List<String> labels, int maxWidth) {
        int[][] blocks = blocks(frames, columnsThatFit(cellWidth, labelWidth(labels), maxWidth));
        if (blocks.length == 1) {
            return frames == 1 ? "1 frame" : "frames 0-" + (frames - 1) + " left to right";
        }
        StringBuilder sb = new StringBuilder(frames + " frames in " + blocks.length + " blocks of rows:");
        for (int[] b : blocks) {
            sb.append(b[0] == blocks[0][0] ? " " : ", ").append(b[0]).append('-').append(b[1] - 1);
        }
        return sb.toString();
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
