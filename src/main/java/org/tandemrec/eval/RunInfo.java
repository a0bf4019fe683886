package org.tandemrec.eval;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Metadata of a run: its name, when it was created, the Tandem version that produced it and a
 * flat summary of its resolved configuration (key → value text, insertion order kept), e.g.
 * {@code "dataset" → "synthetic"}, {@code "seed" → "42"}.
 */
public record RunInfo(String name, Instant created, String tandemVersion, Map<String, String> config) {
    public RunInfo {
        MetricRecord.requireName(name, "run name");
        Objects.requireNonNull(created, "created");
        MetricRecord.requireName(tandemVersion, "tandemVersion");
        Objects.requireNonNull(config, "config");
        Map<String, String> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            MetricRecord.requireName(k, "config key");
            copy.put(k, Objects.requireNonNull(v, () -> "config value of '" + k + "' is null"));
        });
        config = Collections.unmodifiableMap(copy);
    }
}
