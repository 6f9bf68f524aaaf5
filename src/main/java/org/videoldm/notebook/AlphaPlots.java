package org.videoldm.notebook;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.videoldm.train.stages.AlphaLog;

/**
 * The learned alphas of a temporal-alignment run ({@link AlphaLog}'s CSV), readable with twenty or more layers: the
 * mean over layers with its min and max, a few layers picked by how far they moved, and the final value of every layer.
 */
public final class AlphaPlots {
    /** Most layers drawn and named one by one in the plot over training. */
    public static final int MAX_LABELLED = 6;
    /** Strong, distinct colours for the named layers (XChart's palette runs into pale ones that vanish next to grey). */
    private static final Color[] PICKED = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b)};

    private AlphaPlots() {}

    /** A log read column-wise: {@code alpha[layer][row]}. */
    record Log(List<String> layers, double[] steps, double[][] alpha) {
        static Log read(Path csv) {
            List<String> layers = AlphaLog.readLayers(csv);
            List<double[]> rows = AlphaLog.read(csv);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(csv + ": the alpha log has no rows yet");
            }
            double[] steps = rows.stream().mapToDouble(r -> r[0]).toArray();
            double[][] alpha = new double[layers.size()][];
            for (int i = 0; i < alpha.length; i++) {
                int col = i + 1;
                alpha[i] = rows.stream().mapToDouble(r -> r[col]).toArray();
            }
            return new Log(layers, steps, alpha);
        }

        double[] first() {
            return IntStream.range(0, alpha.length).mapToDouble(i -> alpha[i][0]).toArray();
        }

        double[] last() {
            return IntStream.range(0, alpha.length).mapToDouble(i -> alpha[i][alpha[i].length - 1]).toArray();
        }
    }

    /**
     * The indices of the {@code k} layers whose alpha moved furthest from its start, |last - first|, furthest first
     * (the earlier layer first on ties), so the plot names the layers that changed and not an arbitrary few.
     */
    public static int[] mostMoved(double[] first, double[] last, int k) {
        return IntStream.range(0, first.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -Math.abs(last[i] - first[i])).thenComparing(i -> i))
                .limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    /** Per row: the mean, min and max over layers. */
    static double[][] meanMinMax(double[][] alpha) {
        int rows = alpha[0].length;
        double[][] out = new double[3][rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] layer : alpha) {
                sum += layer[r];
                min = Math.min(min, layer[r]);
                max = Math.max(max, layer[r]);
            }
            out[0][r] = sum / alpha.length;
            out[1][r] = min;
            out[2][r] = max;
        }
        return out;
    }

    /** Alpha over training: mean over layers (black), min and max over layers (grey, dashed), the layers that moved most. */
    public static XYChart overTraining(Path alphaCsv) {
        Log log = Log.read(alphaCsv);
        int[] picked = mostMoved(log.first(), log.last(), MAX_LABELLED);
        double[][] mmm = meanMinMax(log.alpha());
        int n = log.layers().size();
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("mean of " + n + " layers", new double[][] {log.steps(), mmm[0]});
        series.put("min over layers", new double[][] {log.steps(), mmm[1]});
        series.put("max over layers", new double[][] {log.steps(), mmm[2]});
        for (int i : picked) {
            series.put(log.layers().get(i) + " (moved " + signed(log.last()[i] - log.first()[i]) + ")",
                    new double[][] {log.steps(), log.alpha()[i]});
        }
        String title = String.format(Locale.ROOT, "alpha per temporal layer (1: spatial only): mean, min-max, and the %d of %d layers that moved most",
                picked.length, n);
        // Taller than the default so that the legend's rows below the plot leave the plot its height.
        XYChart chart = Plots.lines(title, "step", "alpha", series, 900, 420 + 20 * series.size());
        List<XYSeries> all = new ArrayList<>(chart.getSeriesMap().values());
        style(all.get(0), Color.BLACK, SeriesLines.SOLID);
        for (int k = 1; k < all.size(); k++) {
            style(all.get(k), k <= 2 ? Color.GRAY : PICKED[(k - 3) % PICKED.length], k <= 2 ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        return chart;
    }

    /** A change with its sign, in fixed decimals down to a thousandth and in powers of ten below (short runs move 1e-5). */
    static String signed(double d) {
        return String.format(Locale.ROOT, Math.abs(d) >= 1e-3 || d == 0 ? "%+.4f" : "%+.1e", d);
    }

    private static void style(XYSeries s, Color c, java.awt.BasicStroke stroke) {
        s.setLineColor(c);
        s.setLineStyle(stroke);
    }

    /** The final alpha of every layer as a horizontal bar from its initial alpha, layers in network order. */
    public static BufferedImage finalPerLayer(Path alphaCsv) {
        Log log = Log.read(alphaCsv);
        long step = Math.round(log.steps()[log.steps().length - 1]);
        return HorizontalBars.render(String.format(Locale.ROOT, "final alpha per temporal layer (step %,d)", step), "alpha (1: spatial only)",
                log.layers(), log.first(), log.last(), "Each bar runs from the layer's first logged alpha (grey tick) to its last: blue rose (more spatial), "
                        + "orange fell (more temporal).");
    }
}
