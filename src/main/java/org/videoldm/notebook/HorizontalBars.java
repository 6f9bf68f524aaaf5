package org.videoldm.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A horizontal bar chart drawn with Java2D, one bar per named row running from a start to an end value. XChart 3.8
 * has only vertical category bars, whose long names (layer paths) would have to be rotated to fit.
 */
public final class HorizontalBars {
    static final Color UP = new Color(0x2a6fdb);
    static final Color DOWN = new Color(0xe07b00);
    private static final int WIDTH = 900;
    private static final int ROW = 20;
    private static final int TOP = 44;
    private static final int BOTTOM = 64;

    private HorizontalBars() {}

    /**
     * @param names one per bar, drawn in full to the left of it
     * @param from where each bar starts (e.g. the initial value)
     * @param to where each bar ends; the value is printed at its end, blue where it rose, orange where it fell
     * @param note a line under the axis saying how to read the bars
     */
    public static BufferedImage render(String title, String axisLabel, List<String> names, double[] from, double[] to, String note) {
        if (names.size() != from.length || names.size() != to.length || names.isEmpty()) {
            throw new IllegalArgumentException("bars: " + names.size() + " names, " + from.length + " starts, " + to.length + " ends");
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < from.length; i++) {
            lo = Math.min(lo, Math.min(from[i], to[i]));
            hi = Math.max(hi, Math.max(from[i], to[i]));
        }
        double pad = hi > lo ? 0.08 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.01);
        double step = Ticks.niceStep((hi - lo + 2 * pad) / 6);
        lo = Math.floor((lo - pad) / step) * step;
        hi = Math.ceil((hi + pad) / step) * step;
        int height = TOP + names.size() * ROW + BOTTOM;
        BufferedImage out = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int left = 12 + names.stream().mapToInt(fm::stringWidth).max().orElse(0) + 10;
        int right = WIDTH - 70;
        int bottom = TOP + names.size() * ROW;
        double lo0 = lo;
        double span = hi - lo;
        java.util.function.DoubleToIntFunction x = v -> left + (int) Math.round((v - lo0) / span * (right - left));
        // Grid lines and tick labels under the plot.
        for (double v : Ticks.values(lo, hi, step)) {
            int px = x.applyAsInt(v);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP - 4, px, bottom);
            g.setColor(Color.BLACK);
            String s = Ticks.label(v, step);
            g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 16);
        }
        g.drawLine(left, bottom, right, bottom);
        for (int i = 0; i < names.size(); i++) {
            int y = TOP + i * ROW;
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), left - 10 - fm.stringWidth(names.get(i)), y + ROW / 2 + fm.getAscent() / 2 - 2);
            int a = x.applyAsInt(from[i]);
            int b = x.applyAsInt(to[i]);
            g.setColor(to[i] >= from[i] ? UP : DOWN);
            g.fillRect(Math.min(a, b), y + 4, Math.max(1, Math.abs(b - a)), ROW - 8);
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1.5f));
            g.drawLine(a, y + 2, a, y + ROW - 2);
            // One decimal more than the axis, so that values closer together than a tick still read apart.
            g.drawString(Ticks.label(to[i], step / 10), Math.max(a, b) + 6, y + ROW / 2 + fm.getAscent() / 2 - 2);
        }
        g.setFont(font.deriveFont(Font.BOLD, 15f));
        FontMetrics bold = g.getFontMetrics();
        g.drawString(title, (WIDTH - bold.stringWidth(title)) / 2, 24);
        g.setFont(font.deriveFont(Font.BOLD));
        g.drawString(axisLabel, (left + right - g.getFontMetrics().stringWidth(axisLabel)) / 2, bottom + 34);
        g.setFont(font.deriveFont(12f));
        g.drawString(note, 12, bottom + 54);
        g.dispose();
        return out;
    }
}
