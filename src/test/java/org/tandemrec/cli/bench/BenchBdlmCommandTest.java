package org.tandemrec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tandemrec.cli.CliRun;

/** {@code tandem bench bdlm}: its options and its keys on the quick sizes (never how fast anything is). */
class BenchBdlmCommandTest {
    @Test
    void quickRunReportsEveryModeWithKeysNamingTheTables() throws Exception {
        CliRun r = CliRun.of("bench", "bdlm", "--quick", "--steps", "1", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(50, j.get("id_tokens_small").asInt());
        assertEquals(500, j.get("id_tokens_large").asInt());
        for (String mode : new String[] {"lora", "lora_before", "full", "full_before"}) {
            double small = j.get(mode + "_step_s_50").asDouble();
            double large = j.get(mode + "_step_s_500").asDouble();
            assertTrue(small > 0 && large > 0, mode + " in " + j);
            assertEquals(large / small, j.get(mode + "_step_ratio_500_50").asDouble(), 1e-9 * large / small);
            assertTrue(j.get(mode + "_step_median_ratio_500_50").asDouble() > 0, mode + " in " + j);
        }
        assertEquals(j.get("lora_before_step_s_500").asDouble() / j.get("lora_step_s_500").asDouble(),
                j.get("lora_speedup_500").asDouble(), 1e-9);
        // 20 prompts of 24 + 6 tokens whole, against 24 + 20 × 6 with the prefix shared
        assertEquals(20.0 * 30 / (24 + 20 * 6), j.get("drs_prefix_token_ratio").asDouble(), 1e-12);
        assertEquals(j.get("drs_features_whole_s").asDouble() / j.get("drs_features_shared_s").asDouble(),
                j.get("drs_prefix_speedup").asDouble(), 1e-9);
    }

    @Test
    void optionsAreChecked() {
        CliRun r = CliRun.of("bench", "bdlm", "--steps", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--steps"), r.err());
        r = CliRun.of("bench", "bdlm", "--prefix-users", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--prefix-users"), r.err());
        r = CliRun.of("bench", "bdlm", "--before-steps", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--before-steps"), r.err());
        CliRun quick = CliRun.of("bench", "bdlm", "--quick", "--steps", "1", "--no-before", "--json");
        assertEquals(0, quick.code(), quick.err());
        assertTrue(!quick.out().contains("before_step"), quick.out());
        assertTrue(quick.out().contains("\"timed_steps_before\" : 0"), quick.out());
        assertEquals("1k", BenchBdlmCommand.size(1000));
        assertEquals("100k", BenchBdlmCommand.size(100_000));
        assertEquals("500", BenchBdlmCommand.size(500));
        assertEquals(0, CliRun.of("bench", "bdlm", "--help").code());
    }
}
