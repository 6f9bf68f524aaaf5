package org.videoldm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** CLIP's symmetric InfoNCE against values worked out by hand. */
class ContrastiveLossTest {
    /** -log of the softmax weight of entry {@code k} among {@code logits}. */
    static double nll(int k, double... logits) {
        double z = 0;
        for (double l : logits) {
            z += Math.exp(l);
        }
        return -Math.log(Math.exp(logits[k]) / z);
    }

    @Test
    void twoByTwoByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // images e1, e2; texts (3, 0) and (1, 1): after normalisation the cosines are [[1, 1/sqrt2], [0, 1/sqrt2]]
            NDArray img = m.create(new float[][] {{2, 0}, {0, 5}});
            NDArray txt = m.create(new float[][] {{3, 0}, {1, 1}});
            NDArray logScale = m.create((float) Math.log(2)); // temperature 1/2: logits [[2, sqrt2], [0, sqrt2]]
            double r = Math.sqrt(2);
            double perImage = (nll(0, 2, r) + nll(1, 0, r)) / 2;   // rows: image i against both texts
            double perText = (nll(0, 2, 0) + nll(1, r, r)) / 2;    // columns: text j against both images
            double expected = (perImage + perText) / 2;
            assertEquals(expected, ContrastiveLoss.loss(img, txt, logScale).getFloat(), 1e-6);
            assertEquals((Math.log(2) + nll(0, 2, r) + nll(1, 0, r) + nll(0, 2, 0)) / 4, expected, 1e-12, "the hand sum itself");
        }
    }

    @Test
    void theLogScaleIsClampedAtLn100AndTakesNoGradientBeyond() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray img = m.create(new float[][] {{1, 0}, {0.6f, 0.8f}});
            NDArray txt = m.create(new float[][] {{1, 0}, {0, 1}});
            float big = ContrastiveLoss.loss(img, txt, m.create(9f)).getFloat();
            float capped = ContrastiveLoss.loss(img, txt, m.create((float) Math.log(100))).getFloat();
            assertEquals(capped, big, 1e-6);
            // cosines [[1, 0], [0.6, 0.8]] at scale 100
            double expected = ((nll(0, 100, 0) + nll(1, 60, 80)) / 2 + (nll(0, 100, 60) + nll(1, 0, 80)) / 2) / 2;
            assertEquals(expected, capped, 1e-5);

            NDArray s = m.create(9f);
            s.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(ContrastiveLoss.loss(img, txt, s));
            }
            assertEquals(0f, s.getGradient().getFloat(), 0f);
        }
    }

    @Test
    void theLogScaleGradientMatchesAFiniteDifference() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray img = m.create(new float[][] {{1, 0.2f}, {0.3f, 1}, {-1, 0.5f}});
            NDArray txt = m.create(new float[][] {{0.9f, 0}, {0, 1}, {-0.7f, 0.9f}});
            float at = 1.3f;
            float h = 1e-3f;
            double fd = (ContrastiveLoss.loss(img, txt, m.create(at + h)).getFloat() - ContrastiveLoss.loss(img, txt, m.create(at - h)).getFloat()) / (2 * h);
            NDArray s = m.create(at);
            s.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(ContrastiveLoss.loss(img, txt, s));
            }
            assertEquals(fd, s.getGradient().getFloat(), 2e-3);
        }
    }
}
