package org.videoldm.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Inception Score, as Salimans et al.'s code and its ports compute it: softmax of the classifier's
 * logits, the samples cut into {@code splits} consecutive parts, per part
 * {@code exp(mean_i KL(p(y|x_i) || p(y)))}; the mean and (population) standard deviation over parts.
 *
 * <p>For video (the paper's UCF-101 protocol) the classifier is a clip model: the TGAN/TGANv2
 * protocol uses C3D trained on UCF-101, which can be supplied as a TorchScript clip detector; our own
 * I3D (Kinetics-400) gives a Kinetics IS. For images it is the Inception-v3's 1008-way output.
 */
public final class InceptionScore {
    public static final int DEFAULT_SPLITS = 10;

    private InceptionScore() {}

    public static MetricResult compute(FeatureDetector classifier, NDArray generated, int splits, int batchSize) {
        double[][] logits = FeatureExtractor.logits(classifier, generated, batchSize);
        int clipLength = classifier.input() == FeatureDetector.Input.CLIPS ? (int) generated.getShape().get(1) : 1;
        double[] ms = fromLogits(logits, splits);
        return new MetricResult(classifier.metricName("IS"), ms[0], ms[1], logits.length, 0, clipLength, classifier.name());
    }

    /** {mean, std} of the score over splits. */
    public static double[] fromLogits(double[][] logits, int splits) {
        int n = logits.length;
        if (splits < 1 || n < splits) {
            throw new IllegalArgumentException("Inception Score: " + n + " samples cannot form " + splits + " splits");
        }
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = softmax(logits[i]);
        }
        double[] scores = new double[splits];
        for (int s = 0; s < splits; s++) {
            int lo = s * n / splits;
            int hi = (s + 1) * n / splits;
            int k = p[lo].length;
            double[] marginal = new double[k];
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    marginal[j] += p[i][j] / (hi - lo);
                }
            }
            double kl = 0;
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    if (p[i][j] > 0) {
                        kl += p[i][j] * (Math.log(p[i][j]) - Math.log(marginal[j]));
                    }
                }
            }
            scores[s] = Math.exp(kl / (hi - lo));
        }
        double mean = 0;
        for (double v : scores) {
            mean += v / splits;
        }
        double var = 0;
        for (double v : scores) {
            var += (v - mean) * (v - mean) / splits;
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = Math.exp(z[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < z.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
