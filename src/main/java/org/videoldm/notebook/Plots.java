package org.videoldm.notebook;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.videoldm.train.LossLog;

/** XChart figures for notebooks: built from plain series, rendered as inline PNG HTML or saved to files. */
public final class Plots {
    private Plots() {}

    /**
     * Line chart of named series over a shared or per-series x axis. The legend sits below the plot, never on the data,
     * and about eight round step values are labelled (XChart would otherwise label a tick every few pixels).
     */
    public static XYChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        return lines(title, xLabel, yLabel, series, 760, 420);
    }

    /** As {@link #lines(String, String, String, Map)}, {@code width} x {@code height} pixels (the legend takes its share). */
    public static XYChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(legendFitsInARow(series.keySet(), width) ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Ticks::plain);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        double maxX = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length > 0) {
                chart.addSeries(e.getKey(), xy[0], xy[1]);
                maxX = Math.max(maxX, java.util.Arrays.stream(xy[0]).max().getAsDouble());
            }
        }
        double step = niceStep(maxX / 8);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> Ticks.onStep(v, step) ? Ticks.label(v, step) : "");
        return chart;
    }

    /** Whether a legend of these names fits on one row of a chart this wide (about 7 px a character, 45 px a line sample). */
    static boolean legendFitsInARow(java.util.Collection<String> names, int width) {
        return names.stream().mapToInt(n -> 7 * n.length() + 45).sum() <= width - 40;
    }

    /** One series: {@code xy[0]} the x values, {@code xy[1]} the y values. */
    public static XYChart line(String title, String xLabel, String yLabel, String name, double[] x, double[] y) {
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put(name, new double[][] {x, y});
        return lines(title, xLabel, yLabel, s);
    }

    /** A step-axis tick spacing: 1, 2 or 5 times a power of ten, at least {@code raw}, and at least 1 (steps are whole). */
    static double niceStep(double raw) {
        return Math.max(1, Ticks.niceStep(raw));
    }

    /** A moving average, to read noisy loss curves. */
    public static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** Grouped bars: one group per category, one bar per series. */
    public static CategoryChart bars(String title, String yLabel, List<String> categories, Map<String, List<Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(760).height(420).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(legendFitsInARow(series.keySet(), 760) ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Ticks::plain);
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return chart;
    }

    /**
     * Training loss over steps from one or more loss CSVs (raw and a moving average of {@code window} steps). Positive
     * losses are drawn on a log scale as log10 values whose ticks are labelled with the losses themselves: XChart's own
     * log axis labels only powers of ten, so a loss between 0.05 and 0.5 would get a single label.
     */
    public static XYChart loss(String title, Map<String, Path> csvs, int window) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        boolean positive = true;
        for (Map.Entry<String, Path> e : csvs.entrySet()) {
            List<LossLog.Row> rows = LossLog.read(e.getValue());
            double[] x = rows.stream().mapToDouble(LossLog.Row::step).toArray();
            double[] y = rows.stream().mapToDouble(LossLog.Row::loss).toArray();
            positive &= java.util.Arrays.stream(y).allMatch(v -> v > 0);
            series.put(e.getKey(), new double[][] {x, y});
            series.put(e.getKey() + " (mean of " + window + ")", new double[][] {x, smooth(y, window)});
        }
        if (!positive) {
            return lines(title, "step", "loss", series);
        }
        series.replaceAll((k, xy) -> new double[][] {xy[0], java.util.Arrays.stream(xy[1]).map(Math::log10).toArray()});
        double lo = series.values().stream().flatMapToDouble(xy -> java.util.Arrays.stream(xy[1])).min().orElse(0);
        double hi = series.values().stream().flatMapToDouble(xy -> java.util.Arrays.stream(xy[1])).max().orElse(0);
        XYChart chart = lines(title, "step", "loss (log scale)", series);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Ticks.log10Labels(lo, hi));
        return chart;
    }

    public static XYChart loss(String title, Path csv) {
        return loss(title, Map.of("loss", csv), 50);
    }

    /** The alpha of every temporal layer over training ({@link AlphaPlots#overTraining}). */
    public static XYChart alpha(Path alphaCsv) {
        return AlphaPlots.overTraining(alphaCsv);
    }

    /** The final alpha per temporal layer as horizontal bars ({@link AlphaPlots#finalPerLayer}); show with {@link #html(BufferedImage)}. */
    public static BufferedImage alphaFinal(Path alphaCsv) {
        return AlphaPlots.finalPerLayer(alphaCsv);
    }

    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart '" + chart.getTitle() + "'", e);
        }
    }

    /** An {@code <img>} with the chart as a base64 PNG, for {@code display(html, "text/html")}. */
    public static String html(Chart<?, ?> chart) {
        return "<img src='data:image/png;base64," + Base64.getEncoder().encodeToString(png(chart)) + "'/>";
    }

    /** An {@code <img>} with a figure drawn outside XChart (e.g. {@link HorizontalBars}) as a base64 PNG. */
    public static String html(BufferedImage figure) {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(figure, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a figure", e);
        }
        return "<img src='data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "'/>";
    }

    public static Path save(Chart<?, ?> chart, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, png(chart));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart to " + file, e);
        }
    }
}
