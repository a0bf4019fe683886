package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentedEvaluatorTest {
    private static final Provenance MF = new Provenance("ctr", "mf", "synthetic", "time", 7L);

    @Test
    void ctrSegmentsMatchMetricsOnSubsets() {
        float[] labels = {1, 0, 1, 0, 1, 1, 0, 0};
        float[] scores = {0.9f, 0.2f, 0.4f, 0.6f, 0.7f, 0.8f, 0.3f, 0.65f};
        String[] seg = {"warm", "warm", "warm", "warm", "cold", "cold", "cold", "cold"};
        int[] users = {0, 0, 1, 1, 0, 0, 1, 1};
        List<MetricRecord> recs = SegmentedEvaluator.ctr(MF, labels, scores, users, seg, EnumSet.allOf(CtrMetric.class));
        assertEquals(List.of("all", "cold", "warm"), recs.stream().map(MetricRecord::segment).toList());
        MetricRecord all = recs.get(0);
        assertEquals(8, all.count());
        assertEquals(Auc.of(labels, scores), all.get("auc"), 0);
        assertEquals(LogLoss.of(labels, scores), all.get("logloss"), 0);
        assertEquals(UserAuc.of(users, labels, scores), all.get("uauc"), 0);
        assertEquals("synthetic", all.dataset());
        assertEquals(7L, all.seed());
        // warm by hand: pairs (0.9 vs .2, .6) both won; (0.4 vs .2 won, vs .6 lost) -> 3/4
        assertEquals(0.75, recs.get(2).get("auc"), 1e-15);
        // warm at 0.5: predictions 1,0,0,1 vs labels 1,0,1,0 -> accuracy 2/4
        assertEquals(0.5, recs.get(2).get("accuracy"), 1e-15);
        assertEquals(List.of("auc", "uauc", "logloss", "accuracy", "precision", "recall", "f1"),
                List.copyOf(all.metrics().keySet()));
    }

    @Test
    void undefinedMetricsAreLeftOutOfTheirSegment() {
        float[] labels = {1, 1, 0, 1};
        float[] scores = {0.9f, 0.2f, 0.4f, 0.6f};
        String[] seg = {"a", "a", "b", "b"};
        List<MetricRecord> recs = SegmentedEvaluator.ctr(MF, labels, scores, null, seg, SegmentedEvaluator.CORELLA);
        MetricRecord a = recs.get(1);
        assertEquals("a", a.segment());
        assertFalse(a.metrics().containsKey("auc"));
        assertEquals(-(Math.log(0.9f) + Math.log(0.2f)) / 2, a.get("logloss"), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> SegmentedEvaluator.ctr(MF, labels, scores, null, seg,
                EnumSet.of(CtrMetric.UAUC)));
        assertThrows(IllegalArgumentException.class, () -> SegmentedEvaluator.ctr(MF, labels, scores, null,
                new String[] {"a", "all", "b", "b"}, SegmentedEvaluator.CORELLA));
    }

    @Test
    void topKPerSegment() {
        int[] ranks = {1, 3, 11, 2};
        String[] seg = {"x", "y", "x", "y"};
        List<MetricRecord> recs = SegmentedEvaluator.topK(new Provenance("topk", "bdlm", null, null, null), ranks, seg, 1, 2);
        assertEquals(List.of("hr@1", "hr@2", "ndcg@1", "ndcg@2", "mrr"), List.copyOf(recs.get(0).metrics().keySet()));
        assertEquals(0.25, recs.get(0).get("hr@1"), 1e-15);
        // x: ranks 1, 11 -> hr@2 = 1/2, mrr = (1 + 1/11) / 2
        assertEquals(0.5, recs.get(1).get("hr@2"), 1e-15);
        assertEquals((1 + 1.0 / 11) / 2, recs.get(1).get("mrr"), 1e-15);
        // y: ranks 3, 2 -> hr@2 = 1/2, ndcg@2 = (0 + 1/log2(3)) / 2
        assertEquals(Math.log(2) / Math.log(3) / 2, recs.get(2).get("ndcg@2"), 1e-15);
    }

    @Test
    void segmentOrderIsNatural() {
        String[] seg = {"entropy-q10", "entropy-q2", "entropy-q1"};
        assertEquals(List.of("all", "entropy-q1", "entropy-q2", "entropy-q10"),
                List.copyOf(SegmentedEvaluator.groups(seg, 3).keySet()));
    }

    @Test
    void confidenceBucketsByEntropy() {
        assertEquals(Math.log(2), ConfidenceBuckets.entropy(0.5), 1e-15);
        assertEquals(0, Double.doubleToLongBits(ConfidenceBuckets.entropy(0)), "+0.0, not -0.0");
        assertEquals(0, Double.doubleToLongBits(ConfidenceBuckets.entropy(1)));
        assertEquals(ConfidenceBuckets.entropy(0.2), ConfidenceBuckets.entropy(0.8), 1e-15);
        // entropy ascending: 0.95 (i4), 0.9 (i5), 0.75 (i1) = 0.25 (i2) tie broken by index, 0.6 (i3), 0.5 (i0)
        // ranks 0..5 -> bucket floor(r * 3 / 6)
        float[] scores = {0.5f, 0.75f, 0.25f, 0.6f, 0.95f, 0.9f};
        assertArrayEquals(new int[] {4, 5, 1, 2, 3, 0}, ConfidenceBuckets.byEntropy(scores));
        int[] b = ConfidenceBuckets.assign(scores, 3);
        assertArrayEquals(new int[] {2, 1, 1, 2, 0, 0}, b);
        assertArrayEquals(new String[] {"entropy-q3", "entropy-q2", "entropy-q2", "entropy-q3", "entropy-q1", "entropy-q1"},
                ConfidenceBuckets.names(b));
        assertThrows(IllegalArgumentException.class, () -> ConfidenceBuckets.assign(new float[] {1.5f}, 2));
    }

    @Test
    void routingCurveMixesTheLeastConfidentIntoTheLlm() {
        float[] labels = {1, 0, 1, 0};
        float[] crm = {0.9f, 0.55f, 0.45f, 0.1f}; // entropy order: 0 & 3 confident, 1 & 2 not
        float[] llm = {0.6f, 0.2f, 0.8f, 0.7f};
        List<RoutingCurve.Point> pts = RoutingCurve.compute(labels, crm, llm, new double[] {0, 0.5, 1});
        assertEquals(Auc.of(labels, crm), pts.get(0).auc(), 0);
        assertEquals(1.0, pts.get(0).llmCallsSaved(), 0);
        // half routed: indices 1 and 2 take LLM scores -> {0.9, 0.2, 0.8, 0.1}: perfect ranking, all correct
        assertEquals(2, pts.get(1).routed());
        assertEquals(1.0, pts.get(1).auc(), 0);
        assertEquals(1.0, pts.get(1).accuracy(), 0);
        assertEquals(LogLoss.of(labels, new float[] {0.9f, 0.2f, 0.8f, 0.1f}), pts.get(1).logloss(), 0);
        assertEquals(0.5, pts.get(1).llmCallsSaved(), 0);
        assertEquals(LogLoss.of(labels, llm), pts.get(2).logloss(), 0);
        assertEquals(0.0, pts.get(2).llmCallsSaved(), 0);
        List<MetricRecord> recs = RoutingCurve.toRecords(Provenance.of("ctr", "corella"), pts, 4);
        assertEquals("route@0.50", recs.get(1).segment());
        assertEquals(0.5, recs.get(1).get("route_fraction"), 0);
        assertEquals(21, RoutingCurve.compute(labels, crm, llm).size());
        assertEquals("route@0.05", RoutingCurve.segment(0.05));
        assertEquals("route@0.1250", RoutingCurve.segment(0.125));
    }
}
