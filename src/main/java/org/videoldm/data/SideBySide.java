package org.videoldm.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Several videos played next to each other, e.g. real against generated, or one sample from each
 * model, with a caption above each. Shorter videos hold their last frame.
 */
public final class SideBySide {
    public static final int GAP = 4;
    private static final int CAPTION = 14;

    private SideBySide() {}

    /** @param labels captions, one per video, or null for none */
    public static List<RgbFrame> compose(List<List<RgbFrame>> videos, List<String> labels) {
        return compose(videos, labels, Math.max(1, videos.size()));
    }

    /**
     * As {@link #compose(List, List)}, in rows of at most {@code columns} videos (left to right, then down), so that
     * four videos can be shown large as 2 x 2 rather than small in one row. Cells are the size of the largest video.
     */
    public static List<RgbFrame> compose(List<List<RgbFrame>> videos, List<String> labels, int columns) {
        if (videos.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare");
        }
        if (labels != null && labels.size() != videos.size()) {
            throw new IllegalArgumentException(videos.size() + " videos but " + labels.size() + " labels");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("at least one column, got " + columns);
        }
        int length = 0;
        int cellH = 0;
        int cellW = 0;
        for (List<RgbFrame> v : videos) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("an empty video cannot be compared");
            }
            length = Math.max(length, v.size());
            cellH = Math.max(cellH, v.get(0).height());
            cellW = Math.max(cellW, v.get(0).width());
        }
        int cols = Math.min(columns, videos.size());
        int rows = (videos.size() + cols - 1) / cols;
        int top = labels == null ? 0 : CAPTION;
        int width = cols * cellW + (cols - 1) * GAP;
        int height = rows * (top + cellH) + (rows - 1) * GAP;
        List<RgbFrame> out = new ArrayList<>(length);
        for (int t = 0; t < length; t++) {
            BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = canvas.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < videos.size(); i++) {
                List<RgbFrame> v = videos.get(i);
                RgbFrame f = v.get(Math.min(t, v.size() - 1));
                int x = (i % cols) * (cellW + GAP);
                int y = (i / cols) * (top + cellH + GAP);
                g.drawImage(f.toImage(), x, y + top, null);
                if (labels != null) {
                    String s = labels.get(i);
                    g.setColor(Color.BLACK);
                    g.drawString(s, x + Math.max(0, (f.width() - fm.stringWidth(s)) / 2), y + CAPTION - 3);
                }
            }
            g.dispose();
            out.add(RgbFrame.fromImage(canvas));
        }
        return out;
    }
}
