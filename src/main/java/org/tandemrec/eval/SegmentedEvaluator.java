package org.tandemrec.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.tandemrec.base.UsageException;

/**
 * Computes a metric set over all examples and over each named segment in one call, returning
 * one {@link MetricRecord} per segment: "all" first, then the segments in natural name order.
 *
 * <p>Segments are given per example (CTR) or per candidate list (top-K) as a {@code String[]}
 * parallel to the data, e.g. "warm"/"cold" by item popularity, user-activity buckets, or the
 * confidence buckets of {@link ConfidenceBuckets#names}. A metric undefined on a segment (AUC
 * or UAUC when the segment holds one class only) is left out of that segment's record. CTR
 * records of probabilities (metric sets with log loss) carry their {@link Calibration}.
 */
public final class SegmentedEvaluator {
    /** AUC, LogLoss and ACC: the CoReLLa table. */
    public static final Set<CtrMetric> CORELLA = EnumSet.of(CtrMetric.AUC, CtrMetric.LOGLOSS, CtrMetric.ACCURACY);
    /** Precision, recall and F1: the BDLM interaction-prediction table. */
    public static final Set<CtrMetric> BDLM = EnumSet.of(CtrMetric.PRECISION, CtrMetric.RECALL, CtrMetric.F1);

    private SegmentedEvaluator() {
    }

    /**
     * CTR metrics per segment.
     *
     * @param labels [N] 0/1 labels
     * @param scores [N] predicted click probabilities
     * @param users [N] user of each example; required only when {@code metrics} holds UAUC
     * @param segments [N] segment name of each example, or null for "all" only
     */
    public static List<MetricRecord> ctr(Provenance provenance, float[] labels, float[] scores, int[] users,
                                         String[] segments, Set<CtrMetric> metrics) {
        return ctr(provenance, labels, scores, users, segments == null ? List.of() : Collections.singletonList(segments), metrics);
    }

    /**
     * CTR metrics over all examples and per segment of each of several segmentations (e.g.
     * warm/cold items and user-activity terciles): an example counts in one segment of each.
     */
    public static List<MetricRecord> ctr(Provenance provenance, float[] labels, float[] scores, int[] users,
                                         List<String[]> segmentations, Set<CtrMetric> metrics) {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(metrics, "metrics");
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("metrics must not be empty");
        }
        boolean[] positive = BinaryLabels.of(labels);
        BinaryLabels.sameLength(positive.length, Objects.requireNonNull(scores, "scores").length);
        if (metrics.contains(CtrMetric.UAUC) && (users == null || users.length != positive.length)) {
            throw new IllegalArgumentException("UAUC needs one user per example, got "
                    + (users == null ? "none" : users.length + " users for " + positive.length + " examples"));
        }
        List<MetricRecord> out = new ArrayList<>();
        for (Map.Entry<String, int[]> seg : groups(segmentations, positive.length).entrySet()) {
            int[] idx = seg.getValue();
            boolean[] p = new boolean[idx.length];
            float[] s = new float[idx.length];
            int[] u = users == null ? null : new int[idx.length];
            for (int k = 0; k < idx.length; k++) {
                p[k] = positive[idx[k]];
                s[k] = scores[idx[k]];
                if (u != null) {
                    u[k] = users[idx[k]];
                }
            }
            // Probabilities (log loss is scored) get their reliability diagram; ranking scores do not.
            Calibration calibration = metrics.contains(CtrMetric.LOGLOSS) ? Calibration.of(p, s) : null;
            out.add(MetricRecord.of(provenance, seg.getKey(), ctrMetrics(p, s, u, metrics), idx.length, calibration));
        }
        return out;
    }

    static Map<String, Double> ctrMetrics(boolean[] positive, float[] scores, int[] users, Set<CtrMetric> metrics) {
        int pos = 0;
        for (boolean b : positive) {
            pos += b ? 1 : 0;
        }
        boolean bothClasses = pos > 0 && pos < positive.length;
        Confusion confusion = Confusion.ofFloats(positive, scores, Confusion.DEFAULT_THRESHOLD);
        Map<String, Double> m = new LinkedHashMap<>();
        for (CtrMetric metric : CtrMetric.values()) {
            if (!metrics.contains(metric)) {
                continue;
            }
            switch (metric) {
                case AUC -> {
                    if (bothClasses) {
                        m.put(metric.key(), Auc.ofFloats(positive, scores));
                    }
                }
                case UAUC -> {
                    if (bothClasses) {
                        try {
                            m.put(metric.key(), UserAuc.computeFloats(users, positive, scores, UserAuc.Weighting.USERS).value());
                        } catch (IllegalArgumentException noEligibleUser) {
                            // undefined on this segment: left out, as documented
                        }
                    }
                }
                case LOGLOSS -> m.put(metric.key(), LogLoss.ofFloats(positive, scores));
                case ACCURACY -> m.put(metric.key(), confusion.accuracy());
                case PRECISION -> m.put(metric.key(), confusion.precision());
                case RECALL -> m.put(metric.key(), confusion.recall());
                case F1 -> m.put(metric.key(), confusion.f1());
                default -> throw new IllegalStateException("unhandled metric " + metric);
            }
        }
        return m;
    }

    /**
     * Top-K metrics per segment: {@code hr@K} and {@code ndcg@K} for each K, then {@code mrr}.
     *
     * @param ranks [L] rank of each list's positive ({@link CandidateRanks})
     * @param segments [L] segment of each list, or null for "all" only
     * @param ks cut-offs, each >= 1
     */
    public static List<MetricRecord> topK(Provenance provenance, int[] ranks, String[] segments, int... ks) {
        return topK(provenance, ranks, segments == null ? List.of() : Collections.singletonList(segments), ks);
    }

    /** Top-K metrics over all lists and per segment of each of several segmentations. */
    public static List<MetricRecord> topK(Provenance provenance, int[] ranks, List<String[]> segmentations, int... ks) {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(ranks, "ranks");
        Objects.requireNonNull(ks, "ks");
        if (ks.length == 0) {
            throw new UsageException("ks must not be empty");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new UsageException("every k must be >= 1, got " + k);
            }
        }
        if (ranks.length == 0) {
            throw new IllegalArgumentException("no ranks: at least one candidate list is needed");
        }
        List<MetricRecord> out = new ArrayList<>();
        for (Map.Entry<String, int[]> seg : groups(segmentations, ranks.length).entrySet()) {
            int[] idx = seg.getValue();
            int[] r = new int[idx.length];
            for (int k = 0; k < idx.length; k++) {
                r[k] = ranks[idx[k]];
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (int k : ks) {
                m.put("hr@" + k, TopKMetrics.hitRate(r, k));
            }
            for (int k : ks) {
                m.put("ndcg@" + k, TopKMetrics.ndcg(r, k));
            }
            m.put("mrr", TopKMetrics.mrr(r));
            out.add(MetricRecord.of(provenance, seg.getKey(), m, idx.length));
        }
        return out;
    }

    /**
     * "all" → every index, then each segment of each segmentation → its indices, in {@link
     * SegmentNames} order; two segmentations may not share a segment name.
     */
    static Map<String, int[]> groups(List<String[]> segmentations, int n) {
        Map<String, int[]> out = new TreeMap<>(SegmentNames.ORDER);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        out.put(MetricRecord.ALL, all);
        for (String[] segments : segmentations) {
            for (Map.Entry<String, int[]> e : segmentGroups(segments, n).entrySet()) {
                if (out.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new IllegalArgumentException("segment '" + e.getKey() + "' appears in two segmentations");
                }
            }
        }
        return out;
    }

    /** "all" → every index, then each segment → its indices ({@code segments} null: "all" only). */
    static Map<String, int[]> groups(String[] segments, int n) {
        return groups(segments == null ? List.of() : Collections.singletonList(segments), n);
    }

    private static Map<String, int[]> segmentGroups(String[] segments, int n) {
        Objects.requireNonNull(segments, "segments");
        if (segments.length != n) {
            throw new IllegalArgumentException("segments has " + segments.length + " entries for " + n + " examples");
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String s = segments[i];
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("segments[" + i + "] is " + (s == null ? "null" : "blank"));
            }
            if (MetricRecord.ALL.equals(s)) {
                throw new IllegalArgumentException("segments[" + i + "] is 'all', which is reserved for every example");
            }
            sizes.merge(s, 1, Integer::sum);
        }
        Map<String, int[]> lists = new LinkedHashMap<>();
        Map<String, int[]> fill = new LinkedHashMap<>();
        Map<String, int[]> out = lists;
        sizes.forEach((s, size) -> {
            lists.put(s, new int[size]);
            fill.put(s, new int[1]);
        });
        for (int i = 0; i < n; i++) {
            int[] f = fill.get(segments[i]);
            lists.get(segments[i])[f[0]++] = i;
        }
        return out;
    }
}
