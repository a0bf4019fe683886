package org.tandemrec.serve;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters in the Prometheus text exposition format (version 0.0.4): requests and
 * latency histograms by route and status, items answered by each model and the LLM's share,
 * fall-backs by reason, LLM batch sizes, and the queue and in-flight gauges. Thread-safe.
 */
final class ServeMetrics {
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

    /** A cumulative histogram: counts per upper bound, sum and count. */
    static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(v);
        }

        long count() {
            return count.sum();
        }

        void write(StringBuilder out, String name, String labels) {
            long cumulative = 0;
            String sep = labels.isEmpty() ? "" : labels + ",";
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i].sum();
                out.append(name).append("_bucket{").append(sep).append("le=\"").append(number(bounds[i])).append("\"} ")
                        .append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(count.sum()).append('\n');
            String braces = labels.isEmpty() ? "" : "{" + labels + "}";
            out.append(name).append("_sum").append(braces).append(' ').append(number(sum.sum())).append('\n');
            out.append(name).append("_count").append(braces).append(' ').append(count.sum()).append('\n');
        }
    }

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> answered = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
    private final Histogram batches = new Histogram(BATCH_BUCKETS);
    private final AtomicLong inFlight = new AtomicLong();
    private volatile LongSupplier queueDepth = () -> 0;

    void queueDepth(LongSupplier depth) {
        this.queueDepth = depth;
    }

    void request(String route, int status, double seconds) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
        latency.computeIfAbsent(route + "\u0000" + status, k -> new Histogram(LATENCY_BUCKETS)).observe(seconds);
    }

    /** An item answered by {@code model} ({@code crm} or {@code llm}). */
    void answered(String model) {
        answered.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    void fallback(String reason) {
        fallbacks.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    void batch(int size) {
        batches.observe(size);
    }

    long batchCount() {
        return batches.count();
    }

    AtomicLong inFlight() {
        return inFlight;
    }

    /** The exposition text. */
    String text() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP tandem_http_requests_total HTTP requests by route and status.\n");
        out.append("# TYPE tandem_http_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            out.append("tandem_http_requests_total{").append(routeStatus(e.getKey())).append("} ")
                    .append(e.getValue().sum()).append('\n');
        }
        out.append("# HELP tandem_http_request_duration_seconds Request latency by route and status.\n");
        out.append("# TYPE tandem_http_request_duration_seconds histogram\n");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latency).entrySet()) {
            e.getValue().write(out, "tandem_http_request_duration_seconds", routeStatus(e.getKey()));
        }
        out.append("# HELP tandem_items_answered_total Scored items by the model whose answer was returned.\n");
        out.append("# TYPE tandem_items_answered_total counter\n");
        long crm = sum(answered, "crm");
        long llm = sum(answered, "llm");
        out.append("tandem_items_answered_total{model=\"crm\"} ").append(crm).append('\n');
        out.append("tandem_items_answered_total{model=\"llm\"} ").append(llm).append('\n');
        out.append("# HELP tandem_llm_answer_share Share of scored items answered by the LLM since start.\n");
        out.append("# TYPE tandem_llm_answer_share gauge\n");
        out.append("tandem_llm_answer_share ").append(number(crm + llm == 0 ? 0 : (double) llm / (crm + llm))).append('\n');
        out.append("# HELP tandem_llm_fallbacks_total Items routed to the LLM but answered by the CRM, by reason.\n");
        out.append("# TYPE tandem_llm_fallbacks_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(fallbacks).entrySet()) {
            out.append("tandem_llm_fallbacks_total{reason=\"").append(e.getKey()).append("\"} ").append(e.getValue().sum())
                    .append('\n');
        }
        out.append("# HELP tandem_llm_batch_size Prompts per LLM forward pass.\n");
        out.append("# TYPE tandem_llm_batch_size histogram\n");
        batches.write(out, "tandem_llm_batch_size", "");
        out.append("# HELP tandem_llm_queue_depth LLM prompts waiting for a batch.\n");
        out.append("# TYPE tandem_llm_queue_depth gauge\n");
        out.append("tandem_llm_queue_depth ").append(queueDepth.getAsLong()).append('\n');
        out.append("# HELP tandem_http_in_flight Scoring requests being served.\n");
        out.append("# TYPE tandem_http_in_flight gauge\n");
        out.append("tandem_http_in_flight ").append(inFlight.get()).append('\n');
        return out.toString();
    }

    private static long sum(Map<String, LongAdder> m, String key) {
        LongAdder a = m.get(key);
        return a == null ? 0 : a.sum();
    }

    private static String routeStatus(String key) {
        int z = key.indexOf('\u0000');
        return "route=\"" + key.substring(0, z) + "\",status=\"" + key.substring(z + 1) + "\"";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
