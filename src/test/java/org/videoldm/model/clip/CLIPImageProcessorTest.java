package org.videoldm.model.clip;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class CLIPImageProcessorTest {
    static byte[] pattern(int h, int w) {
        byte[] b = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    b[(y * w + x) * 3 + c] = (byte) ((y * 37 + x * 71 + c * 53 + (x * y) % 7 * 29) % 256);
                }
            }
        }
        return b;
    }

    /** Values from PIL 9.4's Image.resize(..., BICUBIC) on the same pattern; PIL works in fixed point, so allow 1. */
    @Test
    void downscaleMatchesPil() {
        int[] expected = {105, 103, 161, 135, 111, 131, 98, 138, 142, 130, 120, 149, 104, 131, 152, 147, 110, 121,
            131, 144, 177, 130, 145, 134, 174, 132, 115, 143, 142, 130, 156, 187, 118, 158, 154, 137};
        int[] got = CLIPImageProcessor.resizeBicubic(pattern(7, 10), 7, 10, 3, 4);
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1, "value " + i);
        }
    }

    @Test
    void upscaleMatchesPil() {
        int[] expected = {0, 48, 101, 39, 92, 145, 97, 169, 222, 156, 178, 231, 221, 7, 60, 61, 47, 110, 45, 115,
            192, 122, 182, 167, 175, 222, 8, 253, 60, 71, 132, 62, 129, 62, 138, 191, 125, 191, 244, 19, 70, 123,
            73, 153, 206, 166, 147, 200, 209, 75, 131, 117, 102, 158, 134, 176, 66, 89, 146, 96};
        int[] got = CLIPImageProcessor.resizeBicubic(pattern(7, 10), 7, 10, 9, 13);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1, "value " + i);
        }
    }

    @Test
    void shortSideResizeCentreCropAndNormalise() {
        CLIPImageProcessor p = new CLIPImageProcessor(8);
        assertArrayEquals(new int[] {8, 12}, CLIPImageProcessor.resizedSize(10, 16, 8)); // int(8 * 16 / 10) = int(12.8)
        assertArrayEquals(new int[] {12, 8}, CLIPImageProcessor.resizedSize(16, 10, 8));
        byte[] grey = new byte[10 * 16 * 3];
        java.util.Arrays.fill(grey, (byte) 128);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray px = p.pixelValues(m, new byte[][] {grey, grey}, 10, 16);
            assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 8, 8), px.getShape());
            float[] v = px.toFloatArray();
            float want = (128 / 255f - CLIPImageProcessor.MEAN[1]) / CLIPImageProcessor.STD[1];
            assertEquals(want, v[64 + 10], 1e-5);
        }
    }
}
