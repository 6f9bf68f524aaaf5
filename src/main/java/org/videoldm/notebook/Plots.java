package org.videoldm.notebook;

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
import org.videoldm.train.stages.AlphaLog;

/** XChart figures for notebooks: built from plain series, rendered as inline PNG HTML or saved to files. */
public final class Plots {
    private Plots() {}

    /** Line chart of named series over a shared or per-series x axis. */
    public static XYChart lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(720).height(360).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(0);
        // Long step axes otherwise get a tick every few pixels, with labels running into each other.
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double maxX = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length > 0) {
                chart.addSeries(e.getKey(), xy[0], xy[1]);
                maxX = Math.max(maxX, java.util.Arrays.stream(xy[0]).max().getAsDouble());
            }
        }
        // Label about eight round x values: XChart otherwise labels a tick every few pixels on long step axes.
        double step = niceStep(maxX / 8);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> Math.abs(v / step - Math.rint(v / step)) < 1e-9 ? String.format(java.util.Locale.ROOT, "%,.0f", v) : "");
        return chart;
    }

    /** One series: {@code xy[0]} the x values, {@code xy[1]} the y values. */
    public static XYChart line(String title, String xLabel, String yLabel, String name, double[] x, double[] y) {
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put(name, new double[][] {x, y});
        return lines(title, xLabel, yLabel, s);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return Math.max(1, m * p);
            }
        }
        return 10 * p;
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
        CategoryChart chart = new CategoryChartBuilder().width(720).height(360).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return chart;
    }

    /** Training loss over steps from one or more loss CSVs (raw and a moving average of {@code window} steps). */
    public static XYChart loss(String title, Map<String, Path> csvs, int window) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        csvs.forEach((name, csv) -> {
            List<LossLog.Row> rows = LossLog.read(csv);
            double[] x = rows.stream().mapToDouble(LossLog.Row::step).toArray();
            double[] y = rows.stream().mapToDouble(LossLog.Row::loss).toArray();
            series.put(name, new double[][] {x, y});
            series.put(name + " (mean of " + window + ")", new double[][] {x, smooth(y, window)});
        });
        XYChart chart = lines(title, "step", "loss", series);
        chart.getStyler().setYAxisLogarithmic(true);
        return chart;
    }

    public static XYChart loss(String title, Path csv) {
        return loss(title, Map.of("loss", csv), 50);
    }

    /** The alpha of every temporal layer over training, from a temporal-alignment run's {@code alpha.csv}. */
    public static XYChart alpha(Path alphaCsv) {
        List<String> layers = AlphaLog.readLayers(alphaCsv);
        List<double[]> rows = AlphaLog.read(alphaCsv);
        double[] steps = rows.stream().mapToDouble(r -> r[0]).toArray();
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            int col = i + 1;
            series.put(layers.get(i), new double[][] {steps, rows.stream().mapToDouble(r -> r[col]).toArray()});
        }
        XYChart chart = lines("alpha per temporal layer (1: spatial only)", "step", "alpha", series);
        chart.getStyler().setLegendVisible(layers.size() <= 12);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
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
