package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.videoldm.train.LossLog;

class PlotsTest {
    @TempDir
    Path dir;

    @Test
    void stepAxesAreLabelledAtRoundValues() {
        assertEquals(100, Plots.niceStep(600 / 8.0));
        assertEquals(200, Plots.niceStep(1200 / 8.0));
        assertEquals(500, Plots.niceStep(2000 / 8.0));
        assertEquals(1, Plots.niceStep(0.3));
        XYChart c = Plots.line("t", "step", "y", "s", new double[] {1, 300, 600}, new double[] {1, 2, 3});
        assertEquals("100", c.getStyler().getxAxisTickLabelsFormattingFunction().apply(100.0));
        assertEquals("", c.getStyler().getxAxisTickLabelsFormattingFunction().apply(126.0));
    }

    @Test
    void lossChartsReadTheLossLogWithAMovingAverage() throws Exception {
        Path csv = dir.resolve("loss.csv");
        try (LossLog log = new LossLog(csv, 0)) {
            for (int s = 1; s <= 4; s++) {
                log.append(new LossLog.Row(s, s * 2.0, 1e-3, 1, 1, s));
            }
        }
        XYChart c = Plots.loss("t", csv);
        assertEquals(2, c.getSeriesMap().size());
        // Drawn as log10 of the loss on a linear axis, whose ticks are labelled with the loss.
        assertArrayEquals(new double[] {Math.log10(2), Math.log10(4), Math.log10(6), Math.log10(8)}, c.getSeriesMap().get("loss").getYData(), 1e-12);
        assertArrayEquals(new double[] {Math.log10(2), Math.log10(3), Math.log10(4), Math.log10(5)},
                c.getSeriesMap().get("loss (mean of 50)").getYData(), 1e-12);
        assertEquals("0.5", c.getStyler().getyAxisTickLabelsFormattingFunction().apply(Math.log10(0.5)));
        assertEquals(Styler.LegendPosition.OutsideS, c.getStyler().getLegendPosition(), "the legend never covers the curves");
        assertEquals((byte) 0x89, Plots.png(c)[0]);
    }

    @Test
    void lossesThatAreNotAllPositiveStayOnALinearAxis() throws Exception {
        Path csv = dir.resolve("adversarial.csv");
        try (LossLog log = new LossLog(csv, 0)) {
            log.append(new LossLog.Row(1, 0.3, 1e-3, 1, 1, 1));
            log.append(new LossLog.Row(2, -0.1, 1e-3, 1, 1, 2));
        }
        XYChart c = Plots.loss("t", csv);
        assertArrayEquals(new double[] {0.3, -0.1}, c.getSeriesMap().get("loss").getYData(), 0);
        assertEquals("0.05", c.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.05));
    }

    @Test
    void longLegendsStackBelowThePlot() {
        assertTrue(Plots.legendFitsInARow(List.of("loss", "loss (mean of 50)"), 760));
        assertFalse(Plots.legendFitsInARow(List.of("decoder (reconstruction + adversarial)", "decoder (reconstruction + adversarial) (mean of 25)",
                "3D discriminator (hinge)", "3D discriminator (hinge) (mean of 25)"), 760));
        CategoryChart bars = Plots.bars("t", "y", List.of("a", "b"), Map.of("s", List.of(0.05, 0.1)));
        assertEquals(Styler.LegendPosition.OutsideS, bars.getStyler().getLegendPosition());
        assertEquals("0.05", bars.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.05));
    }

    @Test
    void movingAverage() {
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5}, Plots.smooth(new double[] {1, 2, 3, 4}, 2), 1e-12);
    }
}
