package org.tandemrec.collab.corella;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.tandemrec.base.UsageException;
import org.tandemrec.eval.ConfidenceBuckets;

/**
 * CoReLLa's inference rule (arXiv 2403.16378 §3.4): a request whose CRM prediction has entropy
 * {@code −p log p − (1−p) log(1−p)} at or above the threshold is hard (the CRM is unsure) and is
 * answered by the LLM instead (hard replacement, no blending); the rest keep the CRM's answer.
 * The threshold comes from a budget — the share of validation requests to send — set or chosen on
 * validation ({@link RoutedCalibration}), so that a deployment routes about that share of its
 * traffic.
 */
public record EntropyRouter(double threshold, double budget) {
    public EntropyRouter {
        if (Double.isNaN(threshold)) {
            throw new UsageException("threshold must be a number");
        }
        if (!(budget >= 0 && budget <= 1)) {
            throw new UsageException("budget must be in [0, 1], got " + budget);
        }
    }

    /** Whether a request with CRM click probability {@code p} goes to the LLM. */
    public boolean routes(float p) {
        return ConfidenceBuckets.entropy(p) >= threshold;
    }

    /**
     * The requests of a batch that go to the LLM (indices in order): those at or above the
     * threshold, at most ⌈budget · n⌉ of them, the least confident first — so that a batch on which
     * the CRM is unsure more often than on validation (a later period, an ablation's flat CRM)
     * never spends more LLM calls than the budget.
     */
    public int[] route(float[] p) {
        int[] over = IntStream.range(0, p.length).filter(i -> routes(p[i])).toArray();
        int cap = (int) Math.ceil(budget * p.length - 1e-9);
        if (over.length <= cap) {
            return over;
        }
        return Arrays.stream(over).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -ConfidenceBuckets.entropy(p[i])).thenComparingInt(i -> i))
                .limit(cap).mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * The router that sends the share {@code budget} of {@code crmValid}'s requests (the least
     * confident ones) to the LLM: the threshold is the entropy of the last one routed (nothing is
     * routed at budget 0).
     */
    public static EntropyRouter forBudget(float[] crmValid, double budget) {
        if (!(budget >= 0 && budget <= 1)) {
            throw new UsageException("budget must be in [0, 1], got " + budget);
        }
        int routed = (int) Math.round(budget * crmValid.length);
        if (routed == 0) {
            return new EntropyRouter(Double.POSITIVE_INFINITY, budget);
        }
        double[] h = new double[crmValid.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = ConfidenceBuckets.entropy(crmValid[i]);
        }
        Arrays.sort(h);
        return new EntropyRouter(h[h.length - routed], budget);
    }
}
