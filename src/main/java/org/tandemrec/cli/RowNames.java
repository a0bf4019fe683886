package org.tandemrec.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.RunResults;

/**
 * Keeps an experiment's rows apart. A method run (BDLM, CoReLLa) records the CRMs it trains for
 * itself under their plain names ({@code lightgcn} at the LLM's hidden size, stage 1's {@code
 * dcnv2}), which another model of the same experiment may also use: a CRM entry of that name,
 * or a second method run. Those are different models, so where a name comes from more than one
 * entry, the rows of every entry but the one whose id it is are qualified by their entry's id
 * ({@code bdlm/lightgcn}), in records, curves and settings alike. Names no other entry uses keep
 * their plain form, so a file with one method reads as the method's own run does.
 */
final class RowNames {
    private RowNames() {
    }

    /** {@code results[k]} is the run of {@code models[k]}; returns them with shared names qualified. */
    static List<RunResults> keepApart(List<Experiment.Model> models, List<RunResults> results) {
        if (models.size() != results.size()) {
            throw new IllegalArgumentException(models.size() + " models but " + results.size() + " results");
        }
        Map<String, Set<String>> producers = new HashMap<>();
        for (int k = 0; k < models.size(); k++) {
            String id = models.get(k).id();
            for (String name : names(results.get(k))) {
                producers.computeIfAbsent(name, n -> new HashSet<>()).add(id);
            }
        }
        List<RunResults> out = new ArrayList<>(results.size());
        for (int k = 0; k < models.size(); k++) {
            String id = models.get(k).id();
            Set<String> qualify = new HashSet<>();
            for (String name : names(results.get(k))) {
                if (producers.get(name).size() > 1 && !name.equals(id)) {
                    qualify.add(name);
                }
            }
            out.add(qualify.isEmpty() ? results.get(k) : qualified(results.get(k), id, qualify));
        }
        return out;
    }

    private static Set<String> names(RunResults r) {
        return names(r.results());
    }

    private static RunResults qualified(RunResults r, String id, Set<String> names) {
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        r.settings().forEach((name, values) -> settings.put(names.contains(name) ? id + "/" + name : name, values));
        return new RunResults(r.run(), records(r.results(), id, names), curves(r.curves(), id, names), settings);
    }

    /** {@code records} with the model names in {@code names} qualified by {@code id}. */
    static List<MetricRecord> records(List<MetricRecord> records, String id, Set<String> names) {
        return records.stream().map(x -> names.contains(x.model()) ? x.withModel(id + "/" + x.model()) : x).toList();
    }

    /** {@code curves} of the models in {@code names} qualified by {@code id}. */
    static List<Curve> curves(List<Curve> curves, String id, Set<String> names) {
        return curves.stream().map(c -> {
            for (String name : names) {
                // A curve is named by its model, followed by " (seed S)" in a run of a seed list.
                if (c.name().equals(name) || c.name().startsWith(name + " (")) {
                    return new Curve(c.group(), id + "/" + c.name(), c.xLabel(), c.yLabel(), c.x(), c.y());
                }
            }
            return c;
        }).toList();
    }

    /** The model names of {@code records}. */
    static Set<String> names(List<MetricRecord> records) {
        Set<String> names = new HashSet<>();
        records.forEach(x -> names.add(x.model()));
        return names;
    }
}
