package org.tandemrec.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tandemrec.collab.corella.ClickExamples;
import org.tandemrec.collab.corella.EntropyRouter;
import org.tandemrec.collab.corella.ServedCascade;
import org.tandemrec.eval.ConfidenceBuckets;

/**
 * The cascade as a server runs it: every item is scored by the CRM; those the router finds hard
 * (and every cold one: a user or item the run has no row for, where the CRM can only give the
 * validation click rate) are sent to the LLM through the {@link LlmBatcher}, within the share the
 * LLM may answer. An item routed to the LLM that cannot have its answer — the queue is full, the
 * share is spent, an unknown item has no title to prompt with — keeps the CRM's answer and says why.
 */
final class CascadeService implements AutoCloseable {
    /** How long a request waits for its LLM answers before falling back to the CRM's. */
    private static final long LLM_TIMEOUT_SECONDS = 60;
    private static final double LN2 = Math.log(2);

    /**
     * One item's answer. {@code crmEntropy} is the binary entropy of the CRM's probability in
     * nats (0 … ln 2), {@code crmConfidence} = 1 − entropy / ln 2 (1: certain, 0: a coin toss).
     */
    record ItemScore(String item, float probability, String answeredBy, float crmProbability, double crmEntropy,
                     double crmConfidence, String cold, String fallback) {
    }

    /**
     * Why one item would be answered by the model it would: the CRM's view, the router's settings,
     * whether the router sends it to the LLM and why, and the prompt the LLM would read (null when
     * it has none: an unknown item without a title). The share admitted at the moment of a request
     * is not part of it: that depends on the traffic.
     */
    record Explanation(String user, String item, String cold, float crmProbability, double crmEntropy,
                       double crmConfidence, double entropyThreshold, double routingBudget, double maxLlmShare,
                       boolean routes, String reason, String prompt) {
    }

    private final ServedCascade cascade;
    private final EntropyRouter router;
    private final ServeSettings settings;
    private final ServeMetrics metrics;
    private final LlmBatcher batcher;
    private final double maxShare;
    private long scored;
    private long admitted;

    CascadeService(ServedCascade cascade, ServeSettings settings, ServeMetrics metrics) {
        this.cascade = cascade;
        this.router = cascade.router();
        this.settings = settings;
        this.metrics = metrics;
        this.maxShare = settings.maxLlmShare() >= 0 ? settings.maxLlmShare() : router.budget();
        this.batcher = new LlmBatcher(cascade::llm, settings.maxBatch(), settings.maxWaitMs(), settings.llmQueue(), metrics);
    }

    ServedCascade cascade() {
        return cascade;
    }

    double maxShare() {
        return maxShare;
    }

    /** The answers for {@code user} and {@code items} (raw ids), in the order given. */
    List<ItemScore> score(String user, List<String> items, Map<String, String> titles, boolean useLlm) {
        int u = cascade.user(user);
        int[] idx = new int[items.size()];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = cascade.item(items.get(k));
        }
        return score(u, idx, items, titles, useLlm);
    }

    private List<ItemScore> score(int u, int[] idx, List<String> raw, Map<String, String> titles, boolean useLlm) {
        int n = idx.length;
        float[] crm = crm(u, idx);
        // row[k]: item k's row among the known items, whose examples the LLM's prompts are built from.
        int[] row = new int[n];
        int known = 0;
        for (int k = 0; k < n; k++) {
            row[k] = u >= 0 && idx[k] >= 0 ? known++ : -1;
        }
        ClickExamples requests = null;
        String[] cold = new String[n];
        String[] fallback = new String[n];
        @SuppressWarnings("unchecked")
        CompletableFuture<Float>[] pending = new CompletableFuture[n];
        for (int k = 0; k < n; k++) {
            cold[k] = u < 0 && idx[k] < 0 ? "user+item" : u < 0 ? "user" : idx[k] < 0 ? "item" : null;
            if (!useLlm || !(cold[k] != null || router.routes(crm[k]))) {
                continue;
            }
            if (row[k] >= 0 && requests == null) {
                requests = cascade.requests(u, knownItems(idx, known));
            }
            int[] prompt = row[k] >= 0 ? cascade.prompt(requests, row[k])
                    : idx[k] >= 0 ? cascade.coldPrompt(u, cascade.title(idx[k]))
                    : titles.containsKey(raw.get(k)) ? cascade.coldPrompt(u, titles.get(raw.get(k))) : null;
            if (prompt == null) {
                fallback[k] = "no_title";
            } else if (!admit()) {
                fallback[k] = "llm_budget";
            } else if ((pending[k] = batcher.offer(prompt)) == null) {
                fallback[k] = "llm_saturated";
            }
        }
        if (useLlm) {
            count(n);
        }
        List<ItemScore> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            float p = crm[k];
            String by = "crm";
            if (pending[k] != null) {
                try {
                    p = pending[k].get(LLM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    by = "llm";
                } catch (TimeoutException e) {
                    fallback[k] = "llm_timeout";
                } catch (ExecutionException e) {
                    fallback[k] = "llm_error";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fallback[k] = "llm_timeout";
                }
            }
            if (fallback[k] != null) {
                metrics.fallback(fallback[k]);
            }
            metrics.answered(by);
            double h = ConfidenceBuckets.entropy(crm[k]);
            out.add(new ItemScore(raw.get(k), p, by, crm[k], h, 1 - h / LN2, cold[k], fallback[k]));
        }
        return out;
    }

    /**
     * The CRM's probabilities of {@code idx} for user {@code u}: the validation click rate where
     * the user or the item is unknown (−1).
     */
    private float[] crm(int u, int[] idx) {
        float[] crm = new float[idx.length];
        Arrays.fill(crm, cascade.coldProbability());
        if (u < 0) {
            return crm;
        }
        int known = 0;
        for (int i : idx) {
            known += i >= 0 ? 1 : 0;
        }
        if (known == 0) {
            return crm;
        }
        float[] p = cascade.crm(u, known == idx.length ? idx : knownItems(idx, known));
        for (int k = 0, j = 0; k < idx.length; k++) {
            if (idx[k] >= 0) {
                crm[k] = p[j++];
            }
        }
        return crm;
    }

    /** The {@code known} non-negative entries of {@code idx}, in order. */
    private static int[] knownItems(int[] idx, int known) {
        int[] out = new int[known];
        for (int k = 0, j = 0; k < idx.length; k++) {
            if (idx[k] >= 0) {
                out[j++] = idx[k];
            }
        }
        return out;
    }

    /** Whether the LLM may take one more item within its share (plus one batch of slack, so a start is not refused). */
    private synchronized boolean admit() {
        if (admitted + 1 > maxShare * (scored + 1) + settings.maxBatch()) {
            return false;
        }
        admitted++;
        return true;
    }

    private synchronized void count(int n) {
        scored += n;
    }

    /** The routing decision for one item of one user (raw ids; {@code title} names an unknown item, may be null). */
    Explanation explain(String user, String item, String title) {
        int u = cascade.user(user);
        int i = cascade.item(item);
        float p = crm(u, new int[] {i})[0];
        double h = ConfidenceBuckets.entropy(p);
        String cold = u < 0 && i < 0 ? "user+item" : u < 0 ? "user" : i < 0 ? "item" : null;
        boolean routes = cold != null || router.routes(p);
        String reason = cold != null ? "cold " + cold + ": the CRM has no row and answers the validation click rate"
                : routes ? String.format(java.util.Locale.ROOT, "CRM entropy %.4f >= threshold %.4f", h, router.threshold())
                : String.format(java.util.Locale.ROOT, "CRM entropy %.4f < threshold %.4f", h, router.threshold());
        int[] prompt = u >= 0 && i >= 0 ? cascade.prompt(cascade.requests(u, new int[] {i}), 0)
                : i >= 0 ? cascade.coldPrompt(u, cascade.title(i))
                : title != null ? cascade.coldPrompt(u, title) : null;
        if (routes && prompt == null) {
            routes = false;
            reason += "; no title to prompt the LLM with, so the CRM's answer stands (no_title)";
        }
        return new Explanation(user, item, cold, p, h, 1 - h / LN2, router.threshold(), router.budget(), maxShare,
                routes, reason, prompt == null ? null : cascade.promptText(prompt));
    }

    /** Known user: the CRM ranks the candidates (default: the user's unseen items), the cascade re-scores the top pool. */
    List<ItemScore> recommend(String user, int k, List<String> candidates, Map<String, String> titles, boolean useLlm) {
        int u = cascade.user(user);
        int[] idx;
        List<String> raw;
        if (candidates != null) {
            raw = candidates;
            idx = raw.stream().mapToInt(cascade::item).toArray();
        } else {
            int[] order = cascade.itemsByPopularity();
            idx = u < 0 ? order : Arrays.stream(order).filter(i -> !cascade.seen(u, i)).toArray();
            raw = Arrays.stream(idx).mapToObj(cascade::itemId).toList();
        }
        int pool = Math.min(idx.length, Math.max(k, settings.recommendPool()));
        // The CRM's ranking picks the pool (stable: candidates' order, or popularity, breaks ties).
        float[] crm = crm(u, idx);
        Integer[] order = java.util.stream.IntStream.range(0, idx.length).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -crm[j])).toArray(Integer[]::new);
        int[] top = new int[pool];
        List<String> topRaw = new ArrayList<>(pool);
        for (int j = 0; j < pool; j++) {
            top[j] = idx[order[j]];
            topRaw.add(raw.get(order[j]));
        }
        List<ItemScore> scored = new ArrayList<>(score(u, top, topRaw, titles, useLlm));
        scored.sort(Comparator.comparingDouble((ItemScore s) -> -s.probability()));
        return scored.subList(0, Math.min(k, scored.size()));
    }

    @Override
    public void close() {
        batcher.close();
    }
}
