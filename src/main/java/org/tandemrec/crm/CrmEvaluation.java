package org.tandemrec.crm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.eval.CandidateRanks;
import org.tandemrec.eval.CtrMetric;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.Provenance;
import org.tandemrec.eval.SegmentedEvaluator;
import org.tandemrec.eval.Segments;
import org.tandemrec.eval.TopKMetrics;
import org.tandemrec.split.CandidateLists;
import org.tandemrec.split.SplitData;

/**
 * Scores a recommender on a split's fixed test sets and turns the scores into metric records:
 * top-K (HR@1/2 as BDLM, HR@5/10, NDCG@K, MRR) over the candidate lists, CTR (AUC, UAUC and,
 * for probability models, LogLoss, ACC, precision, recall, F1) over the CTR test set, each for
 * all examples and per warm/cold item segment.
 */
public final class CrmEvaluation {
    /** Top-K cut-offs reported. */
    public static final int[] KS = {1, 2, 5, 10};
    /** An item with fewer training interactions than this is "cold". */
    public static final int DEFAULT_MIN_WARM = 5;

    private CrmEvaluation() {
    }

    /** Every task the split has test data for. */
    public static List<MetricRecord> evaluate(Recommender model, String name, SplitData split) {
        List<MetricRecord> out = new ArrayList<>();
        out.addAll(topK(model, name, split));
        out.addAll(ctr(model, name, split));
        return out;
    }

    public static List<MetricRecord> topK(Recommender model, String name, SplitData split) {
        CandidateLists lists = split.testCandidates();
        if (lists.size() == 0) {
            return List.of();
        }
        int[] ranks = ranks(model, lists);
        int[] positives = new int[lists.size()];
        for (int l = 0; l < positives.length; l++) {
            positives[l] = lists.positive(l);
        }
        String[] segments = Segments.warmCold(positives, split.train().itemCounts(), DEFAULT_MIN_WARM);
        return SegmentedEvaluator.topK(provenance("topk", name, split), ranks, segments, KS);
    }

    public static List<MetricRecord> ctr(Recommender model, String name, SplitData split) {
        InteractionTable t = split.ctrTest();
        if (t.size() == 0) {
            return List.of();
        }
        int[] users = t.userColumn();
        int[] items = t.itemColumn();
        float[] scores = model.score(users, items);
        Set<CtrMetric> metrics = model.scoreKind() == Recommender.ScoreKind.PROBABILITY
                ? EnumSet.allOf(CtrMetric.class)
                : EnumSet.of(CtrMetric.AUC, CtrMetric.UAUC);
        String[] segments = Segments.warmCold(items, split.train().itemCounts(), DEFAULT_MIN_WARM);
        return SegmentedEvaluator.ctr(provenance("ctr", name, split), t.valueColumn(), scores, users, segments, metrics);
    }

    /** HR@k over candidate lists, for validation during training. */
    public static double hitRate(Recommender model, CandidateLists lists, int k) {
        return lists.size() == 0 ? 0 : TopKMetrics.hitRate(ranks(model, lists), k);
    }

    /** The positive's rank in each list (the positive is candidate 0), ties counted against it. */
    public static int[] ranks(Recommender model, CandidateLists lists) {
        int n = lists.size();
        int[] users = new int[n];
        int[][] candidates = new int[n][];
        for (int l = 0; l < n; l++) {
            users[l] = lists.user(l);
            candidates[l] = lists.candidates(l);
        }
        float[][] scores = model.scoreCandidates(users, candidates);
        int[] ranks = new int[n];
        for (int l = 0; l < n; l++) {
            ranks[l] = CandidateRanks.rank(scores[l][0], java.util.Arrays.copyOfRange(scores[l], 1, scores[l].length));
        }
        return ranks;
    }

    private static Provenance provenance(String task, String name, SplitData split) {
        return new Provenance(task, name, split.manifest().source().name(), split.config().protocol().id(),
                split.config().seed());
    }
}
