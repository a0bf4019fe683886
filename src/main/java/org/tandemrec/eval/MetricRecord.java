package org.tandemrec.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of results: the metrics of one model on one task over one segment of the test
 * examples ("all", "warm", "cold", "entropy-q3", a routing point "route@0.25", …).
 *
 * <p>{@code metrics} keeps insertion order (the report's column order) and holds finite values
 * only: a metric that is undefined on a segment (AUC of a one-class segment) is left out, never
 * stored as NaN. {@code count} is the number of examples (CTR) or candidate lists (top-K) the
 * metrics were computed over. {@code dataset}, {@code split} and {@code seed} are provenance and
 * may be null. {@code calibration} (may be null) is the reliability diagram of a model that
 * predicts probabilities, on this segment's examples.
 */
public record MetricRecord(String task, String model, String segment, Map<String, Double> metrics, long count,
                           String dataset, String split, Long seed, Calibration calibration) {
    /** The segment holding every example. */
    public static final String ALL = "all";

    public MetricRecord {
        requireName(task, "task");
        requireName(model, "model");
        requireName(segment, "segment");
        Objects.requireNonNull(metrics, "metrics");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            requireName(e.getKey(), "metric name");
            Double v = e.getValue();
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("metric '" + e.getKey() + "' of " + model + "/" + segment
                        + " must be a finite number, got " + v);
            }
            copy.put(e.getKey(), v);
        }
        metrics = Collections.unmodifiableMap(copy);
    }

    public MetricRecord(String task, String model, String segment, Map<String, Double> metrics, long count) {
        this(task, model, segment, metrics, count, null, null, null, null);
    }

    /** A record without calibration. */
    public MetricRecord(String task, String model, String segment, Map<String, Double> metrics, long count,
                        String dataset, String split, Long seed) {
        this(task, model, segment, metrics, count, dataset, split, seed, null);
    }

    public static MetricRecord of(Provenance p, String segment, Map<String, Double> metrics, long count) {
        return of(p, segment, metrics, count, null);
    }

    public static MetricRecord of(Provenance p, String segment, Map<String, Double> metrics, long count,
                                  Calibration calibration) {
        return new MetricRecord(p.task(), p.model(), segment, metrics, count, p.dataset(), p.split(), p.seed(), calibration);
    }

    /** The same record under another model name (one model reported under two names). */
    public MetricRecord withModel(String name) {
        return new MetricRecord(task, name, segment, metrics, count, dataset, split, seed, calibration);
    }

    /** The same record of a run with another seed (one model trained with several seeds). */
    public MetricRecord withSeed(long newSeed) {
        return new MetricRecord(task, model, segment, metrics, count, dataset, split, newSeed, calibration);
    }

    /** The metric's value, or NaN when this record does not hold it. */
    public double get(String metric) {
        Double v = metrics.get(metric);
        return v == null ? Double.NaN : v;
    }

    static void requireName(String s, String field) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-blank string, got " + (s == null ? "null" : "'" + s + "'"));
        }
    }
}
