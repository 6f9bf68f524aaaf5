package org.videoldm.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Frechet distance between two Gaussians fitted to feature sets, as FID and FVD compute it:
 * {@code |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr(sqrtm(S_a S_b))}, all in float64.
 *
 * <p>The matrix square root goes through the symmetric product {@code sqrt(S_a) S_b sqrt(S_a)}, which
 * has the same eigenvalues as {@code S_a S_b} but is symmetric positive semi-definite, so a symmetric
 * eigendecomposition gives the trace stably (scipy's sqrtm of the non-symmetric product can return
 * small imaginary parts that FID code then discards).
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** Mean and covariance of rows; {@link #of} is unbiased (divides by n - 1, as np.cov and TF-GAN). */
    public record Stats(double[] mu, double[][] sigma, int count) {
        public static Stats of(double[][] rows) {
            return of(rows, true);
        }

        /**
         * {@code unbiased} false divides by n, as StyleGAN-V's and StyleGAN2-ADA's FeatureStats do; the
         * difference is a factor n / (n - 1) on the covariance.
         */
        public static Stats of(double[][] rows, boolean unbiased) {
            int n = rows.length;
            if (n < 2) {
                throw new IllegalArgumentException("Frechet statistics need at least 2 feature rows, got " + n);
            }
            int d = rows[0].length;
            double[] mu = new double[d];
            for (double[] r : rows) {
                if (r.length != d) {
                    throw new IllegalArgumentException("feature rows differ in length: " + r.length + " vs " + d);
                }
                for (int j = 0; j < d; j++) {
                    mu[j] += r[j];
                }
            }
            for (int j = 0; j < d; j++) {
                mu[j] /= n;
            }
            double[][] cov = new double[d][d];
            for (double[] r : rows) {
                for (int i = 0; i < d; i++) {
                    double di = r[i] - mu[i];
                    for (int j = i; j < d; j++) {
                        cov[i][j] += di * (r[j] - mu[j]);
                    }
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    cov[i][j] /= unbiased ? (n - 1) : n;
                    cov[j][i] = cov[i][j];
                }
            }
            return new Stats(mu, cov, n);
        }
    }

    /**
     * The distance between the Gaussians fitted to two feature sets (rows), unbiased or biased
     * covariances. When a set has fewer rows than features (FVD on hundreds of clips, 400 logits; FID
     * on a few hundred frames, 2048 features) the trace term is computed in sample space, which is
     * exact and avoids eigendecompositions of D x D matrices: with centred rows A and B,
     * {@code tr(sqrtm(S_a S_b)) = ||A B^T||_* / sqrt(c_a c_b)} (nuclear norm; c = n - 1, or n if biased),
     * because the non-zero eigenvalues of {@code A^T A B^T B} are those of {@code (A B^T)(A B^T)^T}.
     */
    public static double distance(double[][] a, double[][] b, boolean unbiased) {
        int na = a.length;
        int nb = b.length;
        if (na < 2 || nb < 2) {
            throw new IllegalArgumentException("Frechet statistics need at least 2 feature rows, got " + na + " and " + nb);
        }
        int d = a[0].length;
        if (Math.min(na, nb) >= d) {
            return distance(Stats.of(a, unbiased), Stats.of(b, unbiased));
        }
        double[] muA = mean(a, d);
        double[] muB = mean(b, d);
        DMatrixRMaj ca = centred(a, muA);
        DMatrixRMaj cb = centred(b, muB);
        double normA = unbiased ? na - 1 : na;
        double normB = unbiased ? nb - 1 : nb;
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            meanTerm += (muA[j] - muB[j]) * (muA[j] - muB[j]);
        }
        double trA = CommonOps_DDRM.elementSum(elementSquare(ca)) / normA;
        double trB = CommonOps_DDRM.elementSum(elementSquare(cb)) / normB;
        DMatrixRMaj m = new DMatrixRMaj(na, nb);
        CommonOps_DDRM.multTransB(ca, cb, m);
        DMatrixRMaj gram = na <= nb ? new DMatrixRMaj(na, na) : new DMatrixRMaj(nb, nb);
        if (na <= nb) {
            CommonOps_DDRM.multTransB(m, m, gram);
        } else {
            CommonOps_DDRM.multTransA(m, m, gram);
        }
        symmetrize(gram);
        double nuclear = 0;
        for (double ev : eigenvalues(gram)) {
            nuclear += Math.sqrt(Math.max(ev, 0));
        }
        return meanTerm + trA + trB - 2 * nuclear / Math.sqrt(normA * normB);
    }

    private static double[] mean(double[][] rows, int d) {
        double[] mu = new double[d];
        for (double[] r : rows) {
            if (r.length != d) {
                throw new IllegalArgumentException("feature rows differ in length: " + r.length + " vs " + d);
            }
            for (int j = 0; j < d; j++) {
                mu[j] += r[j] / rows.length;
            }
        }
        return mu;
    }

    private static DMatrixRMaj centred(double[][] rows, double[] mu) {
        DMatrixRMaj m = new DMatrixRMaj(rows.length, mu.length);
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < mu.length; j++) {
                m.set(i, j, rows[i][j] - mu[j]);
            }
        }
        return m;
    }

    private static DMatrixRMaj elementSquare(DMatrixRMaj m) {
        DMatrixRMaj out = m.copy();
        CommonOps_DDRM.elementMult(out, m);
        return out;
    }

    public static double distance(Stats a, Stats b) {
        return distance(a.mu(), a.sigma(), b.mu(), b.sigma());
    }

    public static double distance(double[] muA, double[][] sigmaA, double[] muB, double[][] sigmaB) {
        int d = muA.length;
        if (muB.length != d || sigmaA.length != d || sigmaB.length != d) {
            throw new IllegalArgumentException("Frechet distance: dimensions differ (" + d + " vs " + muB.length + ")");
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = muA[i] - muB[i];
            meanTerm += diff * diff;
        }
        double trA = 0;
        double trB = 0;
        for (int i = 0; i < d; i++) {
            trA += sigmaA[i][i];
            trB += sigmaB[i][i];
        }
        return meanTerm + trA + trB - 2 * traceSqrtProduct(sigmaA, sigmaB);
    }

    /** {@code tr(sqrtm(S_a S_b))} for symmetric PSD matrices. */
    public static double traceSqrtProduct(double[][] sigmaA, double[][] sigmaB) {
        DMatrixRMaj a = new DMatrixRMaj(sigmaA);
        DMatrixRMaj b = new DMatrixRMaj(sigmaB);
        DMatrixRMaj rootA = symmetricSqrt(a);
        DMatrixRMaj tmp = new DMatrixRMaj(a.numRows, a.numCols);
        DMatrixRMaj m = new DMatrixRMaj(a.numRows, a.numCols);
        CommonOps_DDRM.mult(rootA, b, tmp);
        CommonOps_DDRM.mult(tmp, rootA, m);
        symmetrize(m);
        double trace = 0;
        for (double ev : eigenvalues(m)) {
            trace += Math.sqrt(Math.max(ev, 0));
        }
        return trace;
    }

    private static DMatrixRMaj symmetricSqrt(DMatrixRMaj s) {
        int n = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(s.copy())) {
            throw new ArithmeticException("Frechet distance: eigendecomposition of the covariance failed");
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double lambda = Math.sqrt(Math.max(eig.getEigenvalue(k).getReal(), 0));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                double vi = v.get(i, 0) * lambda;
                for (int j = 0; j < n; j++) {
                    out.add(i, j, vi * v.get(j, 0));
                }
            }
        }
        return out;
    }

    private static double[] eigenvalues(DMatrixRMaj m) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false, true);
        if (!eig.decompose(m.copy())) {
            throw new ArithmeticException("Frechet distance: eigendecomposition of sqrt(S_a) S_b sqrt(S_a) failed");
        }
        double[] ev = new double[m.numRows];
        for (int i = 0; i < ev.length; i++) {
            ev[i] = eig.getEigenvalue(i).getReal();
        }
        return ev;
    }

    private static void symmetrize(DMatrixRMaj m) {
        for (int i = 0; i < m.numRows; i++) {
            for (int j = i + 1; j < m.numCols; j++) {
                double v = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }
}
