package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PreprocessTest {
    @Test
    void i3dInputIsChannelsFirstInMinusOneToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            byte[] data = new byte[2 * 3 * 4 * 6 * 3];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i % 3 == 0 ? 255 : i % 3 == 1 ? 0 : 128);
            }
            NDArray clips = m.create(java.nio.ByteBuffer.wrap(data), new Shape(2, 3, 4, 6, 3), DataType.UINT8);
            NDArray x = Preprocess.i3dInput(clips, 8);
            assertEquals(new Shape(2, 3, 3, 8, 8), x.getShape());
            assertEquals(1f, x.getFloat(1, 0, 2, 5, 7), 1e-6);
            assertEquals(-1f, x.getFloat(0, 1, 0, 0, 0), 1e-6);
            assertEquals(128 / 127.5f - 1f, x.getFloat(0, 2, 1, 3, 3), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> Preprocess.i3dInput(clips.toType(DataType.FLOAT32, false), 8));
        }
    }

    @Test
    void generatorOutputQuantisesAsStyleGanV() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-1f, 0f, 1f, 0.5f}, new Shape(1, 1, 1, 2, 2)).broadcast(new Shape(1, 2, 3, 2, 2));
            NDArray u = Preprocess.toUint8Clips(x);
            assertEquals(new Shape(1, 2, 2, 2, 3), u.getShape());
            assertEquals(DataType.UINT8, u.getDataType());
            // (x * 127.5 + 128) clipped to [0, 255], truncated: -1 -> 0, 0 -> 128, 1 -> 255, 0.5 -> 191.
            byte[] b = u.toByteArray();
            assertEquals(0, b[0] & 0xff);
            assertEquals(128, b[3] & 0xff);
            assertEquals(255, b[6] & 0xff);
            assertEquals(191, b[9] & 0xff);
        }
    }
}
