package org.tandemrec.eval;

/**
 * What a set of metric records was computed for: the task ("ctr", "topk"), the model, and
 * where the examples came from. {@code dataset}, {@code split} and {@code seed} may be null
 * when unknown; they are then left out of {@code metrics.json}.
 */
public record Provenance(String task, String model, String dataset, String split, Long seed) {
    public Provenance {
        MetricRecord.requireName(task, "task");
        MetricRecord.requireName(model, "model");
    }

    public static Provenance of(String task, String model) {
        return new Provenance(task, model, null, null, null);
    }
}
