package org.tandemrec.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The data of a reliability diagram: predicted click probabilities in {@value #BINS} equal-width
 * bins over [0, 1] (bin b holds p in [b/10, (b+1)/10), the last bin also p = 1), each with the
 * mean predicted probability, the observed positive rate and the number of examples. A
 * well-calibrated model has observed rate ≈ mean prediction in every bin. Empty bins are left
 * out, so every value is finite; bins are in increasing order.
 *
 * @param bins the non-empty bins, by increasing index
 */
public record Calibration(List<Bin> bins) {
    /** Bins over [0, 1]. */
    public static final int BINS = 10;

    /**
     * One bin.
     *
     * @param index         0..{@value #BINS}−1
     * @param meanPredicted mean predicted probability of its examples, in [0, 1]
     * @param observedRate  share of positives among them, in [0, 1]
     * @param count         its examples, > 0
     */
    public record Bin(int index, double meanPredicted, double observedRate, long count) {
        public Bin {
            if (index < 0 || index >= BINS) {
                throw new IllegalArgumentException("calibration bin index must be in 0.." + (BINS - 1) + ", got " + index);
            }
            if (!(meanPredicted >= 0 && meanPredicted <= 1)) {
                throw new IllegalArgumentException("calibration bin " + index + ": mean_predicted must be in [0, 1], got "
                        + meanPredicted);
            }
            if (!(observedRate >= 0 && observedRate <= 1)) {
                throw new IllegalArgumentException("calibration bin " + index + ": observed_rate must be in [0, 1], got "
                        + observedRate);
            }
            if (count <= 0) {
                throw new IllegalArgumentException("calibration bin " + index + ": count must be > 0, got " + count);
            }
        }
    }

    public Calibration {
        bins = List.copyOf(Objects.requireNonNull(bins, "bins"));
        for (int i = 1; i < bins.size(); i++) {
            if (bins.get(i).index() <= bins.get(i - 1).index()) {
                throw new IllegalArgumentException("calibration bins must have increasing indices, bin " + i + " does not");
            }
        }
    }

    /**
     * The reliability diagram of probabilities {@code scores} against {@code positive}.
     *
     * @param positive [N] labels
     * @param scores   [N] predicted probabilities in [0, 1]
     */
    public static Calibration of(boolean[] positive, float[] scores) {
        Objects.requireNonNull(positive, "positive");
        BinaryLabels.sameLength(positive.length, Objects.requireNonNull(scores, "scores").length);
        double[] sum = new double[BINS];
        long[] pos = new long[BINS];
        long[] n = new long[BINS];
        for (int i = 0; i < scores.length; i++) {
            float p = scores[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("scores[" + i + "] must be a probability in [0, 1], got " + p);
            }
            int b = Math.min(BINS - 1, (int) (p * BINS));
            sum[b] += p;
            pos[b] += positive[i] ? 1 : 0;
            n[b]++;
        }
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (n[b] > 0) {
                // min(1, …): a float sum of values ≤ 1 may round a hair above 1
                out.add(new Bin(b, Math.min(1.0, sum[b] / n[b]), (double) pos[b] / n[b], n[b]));
            }
        }
        return new Calibration(out);
    }

    /** Expected calibration error: Σ_b (n_b / N)·|observed_b − predicted_b|. */
    public double expectedError() {
        long total = 0;
        double err = 0;
        for (Bin b : bins) {
            total += b.count();
            err += b.count() * Math.abs(b.observedRate() - b.meanPredicted());
        }
        return total == 0 ? Double.NaN : err / total;
    }
}
