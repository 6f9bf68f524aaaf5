package org.videoldm.metrics;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class InceptionScoreTest {
    @Test
    void identicalPredictionsScoreOne() {
        double[][] logits = new double[20][5];
        for (double[] row : logits) {
            row[2] = 3;
        }
        double[] s = InceptionScore.fromLogits(logits, 2);
        assertEquals(1.0, s[0], 1e-12);
        assertEquals(0.0, s[1], 1e-12);
    }

    @Test
    void confidentEvenlySpreadPredictionsScoreTheClassCount() {
        int k = 8;
        double[][] logits = new double[k * 10][k];
        for (int i = 0; i < logits.length; i++) {
            logits[i][i % k] = 60;
        }
        double[] s = InceptionScore.fromLogits(logits, 10);
        assertEquals(k, s[0], 1e-6);
    }

    @Test
    void twoClassesHalfConfidentHasTheClosedForm() {
        // p = (0.75, 0.25) or (0.25, 0.75) alternately: marginal (0.5, 0.5), KL = 0.75 ln 1.5 + 0.25 ln 0.5.
        double l = Math.log(3);
        double[][] logits = new double[40][];
        for (int i = 0; i < 40; i++) {
            logits[i] = i % 2 == 0 ? new double[] {l, 0} : new double[] {0, l};
        }
        double expected = Math.exp(0.75 * Math.log(1.5) + 0.25 * Math.log(0.5));
        assertEquals(expected, InceptionScore.fromLogits(logits, 1)[0], 1e-12);
    }

    @Test
    void tooFewSamplesForTheSplitsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> InceptionScore.fromLogits(new double[3][4], 10));
    }
}
