package org.tandemrec.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One model's results over several training seeds: the mean and the sample standard deviation
 * of each metric on all examples, over the runs of one task, data set and split that differ only
 * in their seed. Papers report such means; the spread says whether a difference between two
 * models is larger than the seed's own.
 *
 * @param task    the task
 * @param model   the model
 * @param split   the split (null when the records carry none)
 * @param seeds   the seeds, in record order
 * @param mean    metric → mean over the seeds
 * @param sd      metric → sample standard deviation (n − 1 in the denominator)
 */
public record SeedSpread(String task, String model, String split, List<Long> seeds, Map<String, Double> mean,
                         Map<String, Double> sd) {
    public SeedSpread {
        seeds = List.copyOf(seeds);
        // In the first record's metric order, as the report's tables.
        mean = Collections.unmodifiableMap(new LinkedHashMap<>(mean));
        sd = Collections.unmodifiableMap(new LinkedHashMap<>(sd));
    }

    /**
     * The spreads of every model with records of at least two seeds on all examples, in the order
     * the models first appear; a metric is averaged when every seed's record holds it.
     */
    public static List<SeedSpread> of(List<MetricRecord> records) {
        Map<List<String>, List<MetricRecord>> groups = new LinkedHashMap<>();
        for (MetricRecord r : records) {
            if (r.seed() != null && r.segment().equals(MetricRecord.ALL)) {
                groups.computeIfAbsent(Arrays.asList(r.task(), r.model(), r.dataset(), r.split()),
                        k -> new ArrayList<>()).add(r);
            }
        }
        List<SeedSpread> out = new ArrayList<>();
        for (List<MetricRecord> g : groups.values()) {
            Set<Long> seeds = new LinkedHashSet<>();
            g.forEach(r -> seeds.add(r.seed()));
            if (seeds.size() < 2 || seeds.size() != g.size()) {
                // One record per seed, or the group is not a seed list (e.g. several records of one run).
                continue;
            }
            Map<String, Double> mean = new LinkedHashMap<>();
            Map<String, Double> sd = new LinkedHashMap<>();
            for (String metric : g.get(0).metrics().keySet()) {
                if (!g.stream().allMatch(r -> r.metrics().containsKey(metric))) {
                    continue;
                }
                double sum = 0;
                for (MetricRecord r : g) {
                    sum += r.get(metric);
                }
                double m = sum / g.size();
                double squares = 0;
                for (MetricRecord r : g) {
                    squares += (r.get(metric) - m) * (r.get(metric) - m);
                }
                mean.put(metric, m);
                sd.put(metric, Math.sqrt(squares / (g.size() - 1)));
            }
            MetricRecord first = g.get(0);
            out.add(new SeedSpread(first.task(), first.model(), first.split(), List.copyOf(seeds), mean, sd));
        }
        return out;
    }
}
