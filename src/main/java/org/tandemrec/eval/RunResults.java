package org.tandemrec.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a run measured: its {@link RunInfo} and the {@link MetricRecord}s of every task,
 * model and segment. Saved as {@code metrics.json} by {@link MetricsFile}; the HTML report is
 * built from it alone.
 *
 * <h2>{@code metrics.json}, format {@code tandem-metrics} version 2</h2>
 * <pre>{@code
 * {
 *   "format": "tandem-metrics",
 *   "version": 2,
 *   "run": {
 *     "name": "demo",
 *     "created": "2026-11-25T11:00:00Z",          // ISO-8601 instant, UTC
 *     "tandemVersion": "0.1.0",
 *     "config": {"dataset": "synthetic", "seed": "42"}   // flat string → string summary
 *   },
 *   "results": [
 *     {"task": "ctr", "model": "mf", "segment": "all", "count": 20000,
 *      "dataset": "synthetic", "split": "time-80-10-10", "seed": 42,   // optional provenance
 *      "metrics": {"auc": 0.7712, "logloss": 0.5431, "accuracy": 0.7123},
 *      "calibration": {"bin": [0, 3, 9], "mean_predicted": [0.04, 0.33, 0.93],   // optional, see Calibration
 *                      "observed_rate": [0.1, 0.3, 0.9], "count": [120, 4000, 310]}}
 *   ],
 *   "settings": {"mf": {"dim": "64", "epochs": "20"}},   // optional: each model's (or method's) settings
 *   "curves": [                                   // optional: traced values, see Curve
 *     {"group": "LLM loss", "name": "bdlm", "x_label": "step", "y_label": "loss",
 *      "x": [0, 1, 2], "y": [7.9, 6.1, 5.2]}
 *   ]
 * }
 * }</pre>
 * Conventions: {@code segment} "all" holds every example; other segments name subsets
 * ("warm", "cold", "entropy-q1" = the most confident CRM quantile, …). Segments starting with
 * {@code "route@"} are points of a routing curve ({@link RoutingCurve}): their metrics include
 * {@code route_fraction} and {@code llm_calls_saved}. Metric keys are lower case: {@code auc},
 * {@code uauc}, {@code logloss}, {@code accuracy}, {@code precision}, {@code recall}, {@code f1},
 * {@code hr@K}, {@code ndcg@K}, {@code mrr}. Every value is finite; an undefined metric is absent.
 * {@code calibration} and {@code settings} (model or method name → setting → value text, a
 * nested value as its JSON) are optional, so files written before them read as they are. A
 * reader accepts version 1 (the same without {@code curves}) and refuses any other
 * {@code format} or {@code version}.
 */
public record RunResults(RunInfo run, List<MetricRecord> results, List<Curve> curves,
                         Map<String, Map<String, String>> settings) {
    public RunResults {
        Objects.requireNonNull(run, "run");
        results = List.copyOf(Objects.requireNonNull(results, "results"));
        curves = List.copyOf(Objects.requireNonNull(curves, "curves"));
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(settings, "settings").forEach((model, values) -> {
            MetricRecord.requireName(model, "settings model name");
            Map<String, String> v = new LinkedHashMap<>();
            Objects.requireNonNull(values, () -> "settings of '" + model + "' are null").forEach((k, text) -> {
                MetricRecord.requireName(k, "setting name of '" + model + "'");
                v.put(k, Objects.requireNonNull(text, () -> "setting '" + k + "' of '" + model + "' is null"));
            });
            copy.put(model, Collections.unmodifiableMap(v));
        });
        settings = Collections.unmodifiableMap(copy);
    }

    /** Results with curves and no per-model settings. */
    public RunResults(RunInfo run, List<MetricRecord> results, List<Curve> curves) {
        this(run, results, curves, Map.of());
    }

    /** Results without curves. */
    public RunResults(RunInfo run, List<MetricRecord> results) {
        this(run, results, List.of());
    }
}
