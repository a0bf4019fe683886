package org.tandemrec.crm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.eval.CandidateRanks;
import org.tandemrec.eval.ConfidenceBuckets;
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
 * all examples, per warm/cold item segment and per user-activity tercile.
 */
public final class CrmEvaluation {
    /** Top-K cut-offs reported. */
    public static final int[] KS = {1, 2, 5, 10};
    /** An item with fewer training interactions than this is "cold". */
    public static final int DEFAULT_MIN_WARM = 5;

    private CrmEvaluation() {
    }

    /** Scores of (user, item) pairs; float[B] for B pairs. */
    @FunctionalInterface
    public interface PairScorer {
        float[] score(int[] users, int[] items);
    }

    /** Every task the split has test data for. */
    public static List<MetricRecord> evaluate(Recommender model, String name, SplitData split) {
        if (split.numUsers() > model.numUsers() || split.numItems() > model.numItems()) {
            // A split of other data (eval --data): its ids would fall outside the model's tables.
            throw new UsageException("model " + name + " knows " + model.numUsers() + " users and " + model.numItems()
                    + " items, the split has " + split.numUsers() + " and " + split.numItems()
                    + ": score a model on the split it was trained on");
        }
        return evaluate(model::score, model.scoreKind() == Recommender.ScoreKind.PROBABILITY, name, split);
    }

    /**
     * Every task the split has test data for, for any scorer (e.g. a reference that is no trained
     * model); {@code probabilities} says whether its scores are calibrated click probabilities.
     */
    public static List<MetricRecord> evaluate(PairScorer scorer, boolean probabilities, String name, SplitData split) {
        List<MetricRecord> out = new ArrayList<>();
        out.addAll(topK(scorer, name, split));
        out.addAll(ctr(scorer, probabilities, name, split, 0));
        return out;
    }

    /**
     * The CTR task name of a split: "ctr" for explicit labels (CoReLLa's like / not like),
     * "interaction" for implicit feedback with sampled 1:1 negatives (BDLM's interaction prediction).
     */
    public static String ctrTaskName(SplitData split) {
        return split.manifest().source().explicitLabels() ? "ctr" : "interaction";
    }

    public static List<MetricRecord> topK(PairScorer scorer, String name, SplitData split) {
        CandidateLists lists = split.testCandidates();
        if (lists.size() == 0) {
            return List.of();
        }
        int[] ranks = ranks(scorer, lists);
        int[] positives = new int[lists.size()];
        for (int l = 0; l < positives.length; l++) {
            positives[l] = lists.positive(l);
        }
        int[] listUsers = new int[lists.size()];
        for (int l = 0; l < listUsers.length; l++) {
            listUsers[l] = lists.user(l);
        }
        return SegmentedEvaluator.topK(provenance("topk", name, split), ranks,
                segmentations(split, listUsers, positives), KS);
    }

    /**
     * CTR metrics on the split's CTR test set, for all examples and per warm/cold segment; with
     * {@code confidenceBuckets} > 0 and probability scores also per quantile of the model's own
     * prediction entropy (CoReLLa's confidence analysis, {@code entropy-q1} most confident).
     */
    public static List<MetricRecord> ctr(PairScorer scorer, boolean probabilities, String name, SplitData split,
                                         int confidenceBuckets) {
        InteractionTable t = split.ctrTest();
        if (t.size() == 0) {
            return List.of();
        }
        int[] users = t.userColumn();
        int[] items = t.itemColumn();
        float[] scores = scorer.score(users, items);
        Set<CtrMetric> metrics = probabilities ? EnumSet.allOf(CtrMetric.class) : EnumSet.of(CtrMetric.AUC, CtrMetric.UAUC);
        Provenance p = provenance(ctrTaskName(split), name, split);
        List<MetricRecord> out = new ArrayList<>(SegmentedEvaluator.ctr(p, t.valueColumn(), scores, users,
                segmentations(split, users, items), metrics));
        if (confidenceBuckets > 0 && probabilities && t.size() >= confidenceBuckets) {
            String[] buckets = ConfidenceBuckets.names(ConfidenceBuckets.assign(scores, confidenceBuckets));
            SegmentedEvaluator.ctr(p, t.valueColumn(), scores, users, buckets, metrics).stream()
                    .filter(r -> !r.segment().equals("all")).forEach(out::add);
        }
        return out;
    }

    /**
     * The segmentations every figure is split by: warm / cold items and user-activity terciles,
     * both by training counts.
     */
    public static List<String[]> segmentations(SplitData split, int[] users, int[] items) {
        return List.of(Segments.warmCold(items, split.train().itemCounts(), DEFAULT_MIN_WARM),
                Segments.activityTerciles(users, split.train().userCounts()));
    }

    /** HR@k over candidate lists, for validation during training. */
    public static double hitRate(PairScorer scorer, CandidateLists lists, int k) {
        return lists.size() == 0 ? 0 : TopKMetrics.hitRate(ranks(scorer, lists), k);
    }

    /** The positive's rank in each list (the positive is candidate 0), ties counted against it. */
    public static int[] ranks(PairScorer scorer, CandidateLists lists) {
        int n = lists.size();
        int width = lists.negativesPerList() + 1;
        int[] users = new int[n * width];
        int[] items = new int[n * width];
        for (int l = 0; l < n; l++) {
            int[] c = lists.candidates(l);
            for (int k = 0; k < width; k++) {
                users[l * width + k] = lists.user(l);
                items[l * width + k] = c[k];
            }
        }
        return CandidateRanks.ofRows(scorer.score(users, items), width);
    }

    /** Where a record of {@code task} for model {@code name} on {@code split} comes from. */
    public static Provenance provenance(String task, String name, SplitData split) {
        return new Provenance(task, name, split.manifest().source().name(), split.config().protocol().id(),
                split.config().seed());
    }
}
