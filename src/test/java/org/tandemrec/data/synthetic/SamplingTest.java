package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Alias table and Dirichlet draws against their defining moments. */
class SamplingTest {
    @Test
    void aliasTableDrawsInProportionToWeights() {
        int[] values = {10, 11, 12, 13, 14};
        double[] w = {1, 0, 3, 0.5, 5.5};
        AliasTable t = new AliasTable(values, w);
        SplittableRandom rng = new SplittableRandom(1);
        int n = 400_000;
        int[] counts = new int[5];
        for (int s = 0; s < n; s++) {
            counts[t.sample(rng) - 10]++;
        }
        assertEquals(0, counts[1], "zero weight is never drawn");
        for (int i = 0; i < 5; i++) {
            double p = w[i] / 10.0;
            // Binomial standard deviation; 5 sd is a safe bound.
            double sd = Math.sqrt(n * p * (1 - p));
            assertEquals(n * p, counts[i], 5 * sd + 1e-9, "value " + values[i]);
        }
    }

    @Test
    void aliasTableRefusesBadWeights() {
        assertThrows(IllegalArgumentException.class, () -> new AliasTable(new int[] {1, 2}, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new AliasTable(new int[] {1, 2}, new double[] {1, -1}));
    }

    @Test
    void gammaHasMeanAndVarianceAlpha() {
        SplittableRandom rng = new SplittableRandom(2);
        for (double alpha : new double[] {0.2, 1.0, 3.5}) {
            int n = 200_000;
            double sum = 0;
            double sq = 0;
            for (int s = 0; s < n; s++) {
                double g = Dirichlet.gamma(rng, alpha);
                sum += g;
                sq += g * g;
            }
            double mean = sum / n;
            double var = sq / n - mean * mean;
            // E = α, Var = α; the mean's standard error is sqrt(α/n).
            assertEquals(alpha, mean, 5 * Math.sqrt(alpha / n), "mean at alpha " + alpha);
            assertEquals(alpha, var, 0.05 * alpha + 0.01, "variance at alpha " + alpha);
        }
    }

    @Test
    void dirichletRowsAreOnTheSimplexWithSymmetricMeans() {
        SplittableRandom rng = new SplittableRandom(3);
        int k = 6;
        int n = 50_000;
        double[] row = new double[k];
        double[] mean = new double[k];
        for (int s = 0; s < n; s++) {
            Dirichlet.sample(rng, 0.2, row, 0, k);
            double sum = 0;
            for (double v : row) {
                sum += v;
            }
            assertEquals(1.0, sum, 1e-12);
            for (int j = 0; j < k; j++) {
                mean[j] += row[j] / n;
            }
        }
        // E[x_j] = 1/k; Var[x_j] = (1/k)(1-1/k)/(kα+1).
        double sd = Math.sqrt((1.0 / k) * (1 - 1.0 / k) / (k * 0.2 + 1) / n);
        for (int j = 0; j < k; j++) {
            assertEquals(1.0 / k, mean[j], 5 * sd);
        }
    }
}
