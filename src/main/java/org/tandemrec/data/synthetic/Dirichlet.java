package org.tandemrec.data.synthetic;

import java.util.SplittableRandom;

/**
 * Draws from Gamma(α, 1) (Marsaglia and Tsang 2000, with the α &lt; 1 boost
 * {@code G(α) = G(α+1)·U^{1/α}}) and from a symmetric Dirichlet(α) as normalised gammas.
 */
final class Dirichlet {
    private Dirichlet() {
    }

    static double gamma(SplittableRandom rng, double alpha) {
        if (alpha < 1) {
            double u = rng.nextDouble();
            return gamma(rng, alpha + 1) * Math.pow(u, 1.0 / alpha);
        }
        double d = alpha - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** Fills {@code out[offset .. offset+k)} with a draw of a symmetric Dirichlet(α) over k components. */
    static void sample(SplittableRandom rng, double alpha, double[] out, int offset, int k) {
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double g = gamma(rng, alpha);
            out[offset + j] = g;
            sum += g;
        }
        if (!(sum > 0)) {
            // Every gamma underflowed (tiny α): the limit of the distribution is a single vertex.
            int hot = rng.nextInt(k);
            for (int j = 0; j < k; j++) {
                out[offset + j] = j == hot ? 1 : 0;
            }
            return;
        }
        for (int j = 0; j < k; j++) {
            out[offset + j] /= sum;
        }
    }
}
