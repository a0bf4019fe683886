package org.tandemrec.collab.bdlm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.eval.CandidateRanks;
import org.tandemrec.eval.CtrMetric;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.Provenance;
import org.tandemrec.eval.SegmentedEvaluator;
import org.tandemrec.eval.TopKMetrics;
import org.tandemrec.split.CandidateLists;
import org.tandemrec.split.SplitData;

/**
 * The evaluation sets of a BDLM run and their metric records: a split's top-K lists and its
 * interaction-prediction rows (1:1 negatives) for a seeded sample of users, the same sample for
 * every model, with each user's history as the prompts show it (the training items, and for the
 * test part the validation item too, in time order). Records carry the split's provenance, with
 * {@code @N} after the protocol when N users were sampled; every figure is also split by warm /
 * cold items and user-activity tercile.
 */
final class BdlmEvaluation {
    private final SplitData split;
    private final CandidateLists lists;
    private final InteractionTable rows;
    private final int[][] histories;
    private final String splitName;

    private BdlmEvaluation(SplitData split, CandidateLists lists, InteractionTable rows, int[][] histories,
                           String splitName) {
        this.split = split;
        this.lists = lists;
        this.rows = rows;
        this.histories = histories;
        this.splitName = splitName;
    }

    /** The test part for at most {@code maxUsers} users (0: all), histories through the validation item. */
    static BdlmEvaluation test(SplitData split, int maxUsers, long seed) {
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (InteractionTable t : List.of(split.train(), split.valid())) {
            for (int r = 0; r < t.size(); r++) {
                b.add(t.user(r), t.item(r), t.value(r), t.timestamp(r));
            }
        }
        int[][] h = b.build(split.numUsers(), split.numItems()).latestItemsByUser(Integer.MAX_VALUE);
        return sample(split, split.testCandidates(), split.ctrTest(), h, maxUsers, seed);
    }

    /** The validation part for at most {@code maxUsers} users, histories through the training items. */
    static BdlmEvaluation validation(SplitData split, int maxUsers, long seed) {
        return sample(split, split.validCandidates(), split.ctrValid(), split.train().latestItemsByUser(Integer.MAX_VALUE),
                maxUsers, seed);
    }

    private static BdlmEvaluation sample(SplitData split, CandidateLists lists, InteractionTable rows, int[][] histories,
                                         int maxUsers, long seed) {
        String name = split.config().protocol().id();
        if (maxUsers <= 0 || maxUsers >= lists.size()) {
            return new BdlmEvaluation(split, lists, rows, histories, name);
        }
        boolean[] keep = new boolean[split.numUsers()];
        int[] order = new int[lists.size()];
        for (int l = 0; l < order.length; l++) {
            order[l] = l;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int k = 0; k < maxUsers; k++) {
            keep[lists.user(order[k])] = true;
        }
        List<Integer> kept = new ArrayList<>();
        for (int l = 0; l < lists.size(); l++) {
            if (keep[lists.user(l)]) {
                kept.add(l);
            }
        }
        int n = lists.negativesPerList();
        int[] users = new int[kept.size()];
        int[] positives = new int[kept.size()];
        int[] negatives = new int[kept.size() * n];
        for (int k = 0; k < kept.size(); k++) {
            int l = kept.get(k);
            users[k] = lists.user(l);
            positives[k] = lists.positive(l);
            System.arraycopy(lists.negatives(l), 0, negatives, k * n, n);
        }
        int[] rowIdx = java.util.stream.IntStream.range(0, rows.size()).filter(i -> keep[rows.user(i)]).toArray();
        return new BdlmEvaluation(split, new CandidateLists(users, positives, negatives, n), rows.select(rowIdx),
                histories, name + "@" + maxUsers);
    }

    CandidateLists lists() {
        return lists;
    }

    InteractionTable rows() {
        return rows;
    }

    /** Each user's history (item indexes, oldest first). */
    int[][] histories() {
        return histories;
    }

    /** The history of each interaction row's user (one array per user, shared between its rows). */
    int[][] rowHistories() {
        int[][] out = new int[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = histories[rows.user(r)];
        }
        return out;
    }

    /** HR@1 of list scores ([L][C], positive in column 0), ties counting against the positive. */
    static double hitRate1(float[][] scores) {
        return TopKMetrics.hitRate(ranks(scores), 1);
    }

    private static int[] ranks(float[][] scores) {
        int c = scores[0].length;
        float[] flat = new float[scores.length * c];
        for (int l = 0; l < scores.length; l++) {
            System.arraycopy(scores[l], 0, flat, l * c, c);
        }
        return CandidateRanks.ofRows(flat, c);
    }

    /** Top-K records of list scores ([L][C], positive in column 0). */
    List<MetricRecord> topK(String model, float[][] scores) {
        int[] users = new int[lists.size()];
        int[] positives = new int[lists.size()];
        for (int l = 0; l < users.length; l++) {
            users[l] = lists.user(l);
            positives[l] = lists.positive(l);
        }
        return SegmentedEvaluator.topK(provenance("topk", model), ranks(scores),
                CrmEvaluation.segmentations(split, users, positives), CrmEvaluation.KS);
    }

    /**
     * Interaction-prediction records: AUC and UAUC for any score, and with {@code probabilities}
     * also LogLoss, accuracy, precision, recall and F1 at 0.5.
     */
    List<MetricRecord> interaction(String model, float[] scores, boolean probabilities) {
        java.util.Set<CtrMetric> metrics = probabilities ? java.util.EnumSet.allOf(CtrMetric.class)
                : java.util.EnumSet.of(CtrMetric.AUC, CtrMetric.UAUC);
        return SegmentedEvaluator.ctr(provenance(CrmEvaluation.ctrTaskName(split), model), rows.valueColumn(), scores,
                rows.userColumn(), CrmEvaluation.segmentations(split, rows.userColumn(), rows.itemColumn()), metrics);
    }

    /**
     * Both tasks for a scorer of (user, item) pairs whose scores are not probabilities (a BPR
     * model's inner products): for interaction prediction they are mapped to σ(a·s + b) with (a, b)
     * fitted on {@code calibration}'s rows (Platt scaling on the validation part, never the test
     * part), so precision, recall and F1 at 0.5 are defined as for the probability models; the
     * ranking, AUC and the top-K figures are the scorer's own.
     */
    List<MetricRecord> pairsCalibrated(String model, BiFunction<int[], int[], float[]> scorer,
                                       BdlmEvaluation calibration) {
        InteractionTable cr = calibration.rows;
        PlattScaling platt = PlattScaling.fit(scorer.apply(cr.userColumn(), cr.itemColumn()), cr.valueColumn());
        return pairs(model, (us, is) -> {
            float[] raw = scorer.apply(us, is);
            float[] p = new float[raw.length];
            for (int k = 0; k < p.length; k++) {
                p[k] = platt.probability(raw[k]);
            }
            return p;
        }, true);
    }

    /** Both tasks for a scorer of (user, item) pairs. */
    List<MetricRecord> pairs(String model, BiFunction<int[], int[], float[]> scorer, boolean probabilities) {
        int c = lists.negativesPerList() + 1;
        int[] us = new int[lists.size() * c];
        int[] is = new int[us.length];
        for (int l = 0; l < lists.size(); l++) {
            int[] cand = lists.candidates(l);
            for (int k = 0; k < c; k++) {
                us[l * c + k] = lists.user(l);
                is[l * c + k] = cand[k];
            }
        }
        float[] flat = scorer.apply(us, is);
        float[][] scores = new float[lists.size()][];
        for (int l = 0; l < scores.length; l++) {
            scores[l] = Arrays.copyOfRange(flat, l * c, (l + 1) * c);
        }
        List<MetricRecord> out = new ArrayList<>(topK(model, scores));
        out.addAll(interaction(model, scorer.apply(rows.userColumn(), rows.itemColumn()), probabilities));
        return out;
    }

    private Provenance provenance(String task, String model) {
        Provenance p = CrmEvaluation.provenance(task, model, split);
        return new Provenance(p.task(), p.model(), p.dataset(), splitName, p.seed());
    }
}
