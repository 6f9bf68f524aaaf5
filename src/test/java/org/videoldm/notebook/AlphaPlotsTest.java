package org.videoldm.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class AlphaPlotsTest {
    @TempDir
    Path dir;

    @Test
    void theLayersThatMovedFurthestAreNamedFurthestFirst() {
        double[] first = {0.5, 0.5, 0.5, 0.5, 0.6};
        double[] last = {0.51, 0.47, 0.5, 0.53, 0.55};
        // moved: 0.01, 0.03, 0, 0.03, 0.05 -> layer 4, then the tie 1 and 3 in layer order, then 0
        assertArrayEquals(new int[] {4, 1, 3, 0}, AlphaPlots.mostMoved(first, last, 4));
        assertArrayEquals(new int[] {4}, AlphaPlots.mostMoved(first, last, 1));
        assertEquals(5, AlphaPlots.mostMoved(first, last, 99).length);
    }

    @Test
    void smallMovesAreWrittenInPowersOfTen() {
        assertEquals("-0.0100", AlphaPlots.signed(-0.01));
        assertEquals("+1.5e-05", AlphaPlots.signed(1.5e-5));
        assertEquals("+0.0000", AlphaPlots.signed(0));
    }

    @Test
    void meanMinAndMaxAreTakenOverLayersAtEachStep() {
        double[][] alpha = {{0.5, 0.4}, {0.5, 0.7}, {0.5, 0.4}};
        double[][] mmm = AlphaPlots.meanMinMax(alpha);
        assertArrayEquals(new double[] {0.5, 0.5}, mmm[0], 1e-12);
        assertArrayEquals(new double[] {0.5, 0.4}, mmm[1], 1e-12);
        assertArrayEquals(new double[] {0.5, 0.7}, mmm[2], 1e-12);
    }

    @Test
    void aTwentyLayerLogShowsTheMeanTheRangeAndSixNamedLayers() throws Exception {
        StringBuilder csv = new StringBuilder("step");
        for (int i = 0; i < 20; i++) {
            csv.append(",input_blocks.").append(i).append(".0.time_mixer");
        }
        csv.append('\n');
        for (int step = 0; step <= 100; step += 50) {
            csv.append(step);
            for (int i = 0; i < 20; i++) {
                // layer i ends at 0.5 + (i - 10) / 1000: layers 0, 1, 19, 2, 18, 3 moved most
                csv.append(',').append(0.5 + (i - 10) / 1000.0 * step / 100);
            }
            csv.append('\n');
        }
        Path file = Files.writeString(dir.resolve("alpha.csv"), csv);
        XYChart c = Plots.alpha(file);
        List<String> names = List.copyOf(c.getSeriesMap().keySet());
        assertEquals(3 + AlphaPlots.MAX_LABELLED, names.size());
        assertEquals("mean of 20 layers", names.get(0));
        assertTrue(names.get(3).startsWith("input_blocks.0.0.time_mixer (moved -0.0100)"), names.get(3));
        assertTrue(names.get(5).startsWith("input_blocks.19.0.time_mixer (moved +0.0090)"), names.get(5));
        assertArrayEquals(new double[] {0.5, 0.49975, 0.4995}, c.getSeriesMap().get("mean of 20 layers").getYData(), 1e-9);
        assertTrue(c.getTitle().contains("6 of 20 layers that moved most"), c.getTitle());
        BufferedImage bars = Plots.alphaFinal(file);
        assertEquals(900, bars.getWidth());
        assertTrue(bars.getHeight() >= 20 * 20, "a row per layer: " + bars.getHeight());
    }
}
