package org.videoldm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How grids wrap to a width and comparisons wrap into rows. */
class FrameGridLayoutTest {
    static List<RgbFrame> solid(int frames, int value) {
        List<RgbFrame> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            byte[] rgb = new byte[8 * 4 * 3];
            java.util.Arrays.fill(rgb, (byte) (value + t));
            out.add(new RgbFrame(8, 4, rgb));
        }
        return out;
    }

    @Test
    void framesWrapIntoTheFewestEvenBlocks() {
        assertArrayEquals(new int[][] {{0, 8}, {8, 16}}, FrameGrid.blocks(16, 9));
        assertArrayEquals(new int[][] {{0, 8}, {8, 16}, {16, 24}, {24, 29}}, FrameGrid.blocks(29, 9));
        assertArrayEquals(new int[][] {{0, 8}}, FrameGrid.blocks(8, 9));
        assertArrayEquals(new int[][] {{0, 1}, {1, 2}, {2, 3}}, FrameGrid.blocks(3, 1));
        assertEquals(9, FrameGrid.columnsThatFit(128, 0, 1200));
        assertEquals(1, FrameGrid.columnsThatFit(2000, 0, 1200), "one frame a row even if it is wider");
        assertEquals("29 frames in 4 blocks of rows: 0-7, 8-15, 16-23, 24-28", FrameGrid.describe(29, 128, null, 1200));
        assertEquals("frames 0-7 left to right", FrameGrid.describe(8, 128, null, 1200));
    }

    @Test
    void aWrappedGridPutsEachBlockOfFramesUnderThePreviousOne() {
        // 5 frames of 8 pixels, at most 3 a row: blocks 0-2 and 3-4, each with both videos.
        List<List<RgbFrame>> videos = List.of(solid(5, 10), solid(5, 100));
        RgbFrame grid = RgbFrame.fromImage(FrameGrid.image(videos, null, 3 * 8 + 2 * FrameGrid.GAP));
        assertEquals(3 * 8 + 2 * FrameGrid.GAP, grid.width());
        int blockH = 2 * 4 + FrameGrid.GAP;
        assertEquals(2 * blockH + FrameGrid.BLOCK_GAP, grid.height());
        int secondBlock = blockH + FrameGrid.BLOCK_GAP;
        assertEquals(10 + 3, grid.get(1, secondBlock + 1, 0), "video 0, frame 3 starts the second block");
        assertEquals(100 + 4, grid.get(8 + FrameGrid.GAP + 1, secondBlock + 4 + FrameGrid.GAP + 1, 0), "video 1, frame 4");
        assertEquals(255, grid.get(2 * (8 + FrameGrid.GAP) + 1, secondBlock + 1, 0), "no frame 5: background");
    }

    @Test
    void comparisonsWrapIntoRowsOfVideos() {
        List<List<RgbFrame>> videos = List.of(solid(2, 10), solid(2, 50), solid(2, 90), solid(2, 130));
        RgbFrame f = SideBySide.compose(videos, null, 2).get(1);
        assertEquals(2 * 8 + SideBySide.GAP, f.width());
        assertEquals(2 * 4 + SideBySide.GAP, f.height());
        assertEquals(50 + 1, f.get(8 + SideBySide.GAP + 1, 1, 0), "video 1 top right");
        assertEquals(90 + 1, f.get(1, 4 + SideBySide.GAP + 1, 0), "video 2 starts the second row");
        assertEquals(130 + 1, f.get(8 + SideBySide.GAP + 1, 4 + SideBySide.GAP + 1, 0));
    }
}
