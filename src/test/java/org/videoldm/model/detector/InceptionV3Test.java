package org.videoldm.model.detector;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InceptionV3Test {
    @Test
    void pool3AndLogitShapesAndKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3 net = new InceptionV3(m);
            DetectorWeights.randomize(net, 0);
            Map<String, ?> p = net.namedParameters();
            assertTrue(p.containsKey("Conv2d_1a_3x3.conv.weight"));
            assertTrue(p.containsKey("Mixed_5b.branch5x5_1.bn.running_mean"));
            assertTrue(p.containsKey("Mixed_6e.branch7x7dbl_5.conv.weight"));
            assertTrue(p.containsKey("Mixed_7a.branch7x7x3_4.bn.bias"));
            assertTrue(p.containsKey("Mixed_7c.branch3x3dbl_3b.conv.weight"));
            assertTrue(p.containsKey("fc.bias"));
            assertEquals(new Shape(1008, 2048), net.namedParameters().get("fc.weight").getArray().getShape());
            assertEquals(new Shape(192, 768, 1, 1), net.namedParameters().get("Mixed_6b.branch_pool.conv.weight").getArray().getShape());
            // torchvision's Inception3 without the aux head: 23.8M weights with 1008 classes, plus BN statistics.
            assertTrue(net.parameterCount() > 23_800_000 && net.parameterCount() < 24_000_000, "" + net.parameterCount());
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 75, 75));
            NDArray f = net.pool3(x);
            assertEquals(new Shape(2, 2048), f.getShape());
            assertTrue(f.min().getFloat() >= 0, "pool3 follows a ReLU");
            assertEquals(new Shape(2, 1008), net.logits(f, true).getShape());
        }
    }
}
