package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
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
        assertArrayEquals(new double[] {2, 4, 6, 8}, c.getSeriesMap().get("loss").getYData(), 0);
        assertArrayEquals(new double[] {2, 3, 4, 5}, c.getSeriesMap().get("loss (mean of 50)").getYData(), 0);
        assertEquals((byte) 0x89, Plots.png(c)[0]);
    }

    @Test
    void movingAverage() {
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5}, Plots.smooth(new double[] {1, 2, 3, 4}, 2), 1e-12);
    }
}
