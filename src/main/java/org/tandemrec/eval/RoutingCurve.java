package org.tandemrec.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tandemrec.base.UsageException;

/**
 * CoReLLa's routing trade-off: for each routing fraction f, the ⌊f·N⌉ least confident examples
 * (highest CRM entropy, {@link ConfidenceBuckets#byEntropy}) are answered by the LLM and the rest
 * by the CRM; the mixed predictions are scored with AUC, LogLoss and ACC (threshold 0.5).
 * {@code llm_calls_saved = 1 − routed/N} is the share of LLM calls saved against sending every
 * example to the LLM. The routed count is {@code Math.round(f·N)}.
 */
public final class RoutingCurve {
    /** Segment prefix of routing points in {@code metrics.json}. */
    public static final String SEGMENT_PREFIX = "route@";

    private RoutingCurve() {
    }

    /**
     * One point of the curve.
     *
     * @param fraction requested share of examples routed to the LLM
     * @param routed examples actually routed
     * @param llmCallsSaved {@code 1 − routed / N}
     * @param auc AUC of the mixed predictions (NaN if the labels hold one class)
     */
    public record Point(double fraction, long routed, double llmCallsSaved, double auc, double logloss, double accuracy) {
    }

    /** The fractions 0, 0.05, …, 1.0. */
    public static double[] defaultFractions() {
        double[] f = new double[21];
        for (int i = 0; i <= 20; i++) {
            f[i] = i / 20.0;
        }
        return f;
    }

    public static List<Point> compute(float[] labels, float[] crmScores, float[] llmScores) {
        return compute(labels, crmScores, llmScores, defaultFractions());
    }

    /**
     * @param labels [N] 0/1 labels
     * @param crmScores [N] CRM click probabilities (they decide the routing)
     * @param llmScores [N] LLM click probabilities
     * @param fractions routing fractions in [0, 1]
     */
    public static List<Point> compute(float[] labels, float[] crmScores, float[] llmScores, double[] fractions) {
        boolean[] positive = BinaryLabels.of(labels);
        Objects.requireNonNull(crmScores, "crmScores");
        Objects.requireNonNull(llmScores, "llmScores");
        Objects.requireNonNull(fractions, "fractions");
        BinaryLabels.sameLength(positive.length, crmScores.length);
        if (llmScores.length != crmScores.length) {
            throw new IllegalArgumentException("llmScores has " + llmScores.length + " entries for " + crmScores.length + " examples");
        }
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new UsageException("routing fractions must be in [0, 1], got " + f);
            }
        }
        int n = positive.length;
        int[] order = ConfidenceBuckets.byEntropy(crmScores);
        int pos = 0;
        for (boolean b : positive) {
            pos += b ? 1 : 0;
        }
        boolean bothClasses = pos > 0 && pos < n;
        List<Point> points = new ArrayList<>(fractions.length);
        float[] mixed = new float[n];
        for (double f : fractions) {
            int routed = (int) Math.round(f * n);
            System.arraycopy(crmScores, 0, mixed, 0, n);
            for (int r = n - routed; r < n; r++) {
                mixed[order[r]] = llmScores[order[r]];
            }
            double auc = bothClasses ? Auc.ofFloats(positive, mixed) : Double.NaN;
            double logloss = LogLoss.ofFloats(positive, mixed);
            double acc = Confusion.ofFloats(positive, mixed, Confusion.DEFAULT_THRESHOLD).accuracy();
            points.add(new Point(f, routed, 1.0 - (double) routed / n, auc, logloss, acc));
        }
        return points;
    }

    /** "route@0.05"; four decimals when two would merge distinct fractions. */
    static String segment(double fraction) {
        double percent = fraction * 100;
        String f = Math.abs(percent - Math.rint(percent)) < 1e-9 ? "%.2f" : "%.4f";
        return SEGMENT_PREFIX + String.format(Locale.ROOT, f, fraction);
    }

    /** The points as records with segment {@code "route@0.05"} etc. (N = {@code count}). */
    public static List<MetricRecord> toRecords(Provenance provenance, List<Point> points, long count) {
        List<MetricRecord> out = new ArrayList<>(points.size());
        for (Point p : points) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("route_fraction", p.fraction());
            m.put("llm_calls_saved", p.llmCallsSaved());
            if (Double.isFinite(p.auc())) {
                m.put("auc", p.auc());
            }
            m.put("logloss", p.logloss());
            m.put("accuracy", p.accuracy());
            out.add(MetricRecord.of(provenance, segment(p.fraction()), m, count));
        }
        return out;
    }
}
