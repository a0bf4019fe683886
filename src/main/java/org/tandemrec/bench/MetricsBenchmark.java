package org.tandemrec.bench;

import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.eval.Auc;

/**
 * Throughput figure for {@code tandem bench data}: the wall time of one {@link Auc} over N seeded
 * random (label, score) pairs. Key {@code auc_10m_s} is {@code aucSeconds(10_000_000, seed)}.
 * The data are generated before the clock starts; the AUC itself is returned via
 * {@link Timing} so the computation cannot be optimised away.
 */
public final class MetricsBenchmark {
    /** Example count of the {@code auc_10m_s} figure. */
    public static final int TEN_MILLION = 10_000_000;

    private MetricsBenchmark() {
    }

    /**
     * @param seconds wall time of the AUC computation
     * @param auc its value (about 0.5 + a small margin for the generated data)
     */
    public record Timing(double seconds, double auc) {
    }

    /** Seconds for one AUC over 10M seeded scores. */
    public static double auc10mSeconds(long seed) {
        return aucSeconds(TEN_MILLION, seed).seconds();
    }

    public static Timing aucSeconds(int n, long seed) {
        if (n < 2) {
            throw new UsageException("n must be >= 2, got " + n);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] labels = new float[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(4) == 0 ? 1f : 0f;
            // a weakly informative score, so AUC is a little above 0.5
            scores[i] = (float) Math.min(1.0, rnd.nextDouble() * 0.9 + labels[i] * 0.1);
        }
        labels[0] = 1f;
        labels[1] = 0f;
        long start = System.nanoTime();
        double auc = Auc.of(labels, scores);
        return new Timing((System.nanoTime() - start) / 1e9, auc);
    }
}
