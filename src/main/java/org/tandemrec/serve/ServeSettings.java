package org.tandemrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.base.UsageException;

/**
 * Settings of {@code tandem serve} (YAML or JSON; defaults only in {@link #defaults()}):
 * <pre>{@code
 * max_batch: 16          # LLM prompts per forward pass, gathered across requests
 * max_wait_ms: 5         # how long the first prompt of a batch waits for more
 * llm_queue: 64          # LLM prompts waiting at most; beyond it requests fall back to the CRM
 * max_llm_share: -1      # share of scored items the LLM may answer; -1: the run's routing budget
 * max_in_flight: 32      # /v1 requests at once; beyond it 429 with Retry-After
 * max_body_bytes: 65536  # larger request bodies are refused with 413
 * max_items: 1000        # items per score request, candidates per recommend request
 * recommend_pool: 50     # items the cascade re-scores when ranking a user's unseen items
 * threads: 40            # HTTP worker threads (at least max_in_flight + 8)
 * drain_seconds: 10      # how long a shutdown waits for requests in flight
 * }</pre>
 */
public record ServeSettings(int maxBatch, int maxWaitMs, int llmQueue, double maxLlmShare, int maxInFlight,
                            int maxBodyBytes, int maxItems, int recommendPool, int threads, int drainSeconds) {
    private static final Set<String> KEYS = Set.of("max_batch", "max_wait_ms", "llm_queue", "max_llm_share",
            "max_in_flight", "max_body_bytes", "max_items", "recommend_pool", "threads", "drain_seconds");

    public ServeSettings {
        SettingsFile.requirePositive("max_batch", maxBatch);
        SettingsFile.requireNonNegative("max_wait_ms", maxWaitMs);
        SettingsFile.requireNonNegative("llm_queue", llmQueue);
        if (!(maxLlmShare == -1 || (maxLlmShare >= 0 && maxLlmShare <= 1))) {
            throw new UsageException("max_llm_share must be in [0, 1], or -1 for the run's budget, got "
                    + maxLlmShare);
        }
        SettingsFile.requirePositive("max_in_flight", maxInFlight);
        SettingsFile.requirePositive("max_body_bytes", maxBodyBytes);
        SettingsFile.requirePositive("max_items", maxItems);
        SettingsFile.requirePositive("recommend_pool", recommendPool);
        if (threads < maxInFlight + 8) {
            throw new UsageException("threads must be >= max_in_flight + 8 = " + (maxInFlight + 8)
                    + " (health checks and the server's own threads need some), got " + threads);
        }
        SettingsFile.requireNonNegative("drain_seconds", drainSeconds);
    }

    /**
     * The defaults of the class comment. Fewer workers switch less on two cores: with wrk's 16
     * connections on the same machine, 32 in flight on 40 threads served 20.6k–22.9k CRM requests/s
     * (p99 2.3 ms) where 48 on 64 served 19.3k–21.0k (p99 2.8–3.2 ms), alternated in one sitting.
     */
    public static ServeSettings defaults() {
        return new ServeSettings(16, 5, 64, -1, 32, 65536, 1000, 50, 40, 10);
    }

    /** The defaults with a settings file's keys applied; {@code file} null: the defaults. */
    public static ServeSettings load(Path file) throws IOException {
        return file == null ? defaults() : defaults().with(file.toString(), SettingsFile.read(file));
    }

    /** These settings with the given keys replaced; errors name {@code where} and the key. */
    public ServeSettings with(String where, JsonNode given) {
        Map<String, Number> v = new java.util.HashMap<>(Map.of("max_batch", maxBatch, "max_wait_ms", maxWaitMs,
                "llm_queue", llmQueue, "max_llm_share", maxLlmShare, "max_in_flight", maxInFlight, "max_body_bytes",
                maxBodyBytes, "max_items", maxItems, "recommend_pool", recommendPool, "threads", threads,
                "drain_seconds", drainSeconds));
        try {
            for (Map.Entry<String, JsonNode> e : given.properties()) {
                if (!KEYS.contains(e.getKey())) {
                    throw new UsageException("unknown setting '" + e.getKey() + "' (known: " + new TreeSet<>(KEYS)
                            + ")");
                }
                v.put(e.getKey(), e.getKey().equals("max_llm_share") ? SettingsFile.doubleValue(e.getValue(), e.getKey())
                        : SettingsFile.intValue(e.getValue(), e.getKey()));
            }
            return new ServeSettings(v.get("max_batch").intValue(), v.get("max_wait_ms").intValue(),
                    v.get("llm_queue").intValue(), v.get("max_llm_share").doubleValue(), v.get("max_in_flight").intValue(),
                    v.get("max_body_bytes").intValue(), v.get("max_items").intValue(), v.get("recommend_pool").intValue(),
                    v.get("threads").intValue(), v.get("drain_seconds").intValue());
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": " + e.getMessage(), e);
        }
    }
}
