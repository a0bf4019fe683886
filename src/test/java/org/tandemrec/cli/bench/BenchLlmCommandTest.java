package org.tandemrec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.CliRun;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;

/** {@code tandem bench llm}: its option checks, and {@code --model} on a tiny shape (never how fast anything is). */
class BenchLlmCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void benchLlmIsRegisteredAndChecksItsOptions(@TempDir Path tmp) {
        CliRun r = run("bench", "llm", "--reps", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--reps"), r.err());
        assertEquals(0, run("bench", "llm", "--help").code());
        CliRun both = run("bench", "llm", "--model", tmp.toString(), "--skip-100m");
        assertEquals(2, both.code(), both.err());
        CliRun noConfig = run("bench", "llm", "--model", tmp.toString());
        assertEquals(1, noConfig.code(), "a checkpoint directory without its config is bad input: " + noConfig.err());
        assertTrue(noConfig.err().contains("config.json"), noConfig.err());
    }

    @Test
    void modelWithOnlyAConfigIsMeasuredWithRandomWeightsOfItsShape(@TempDir Path tmp) throws Exception {
        LlamaConfig c = new LlamaConfig("llama", 32, 64, 1, 4, 2, 8, 1e-6, RopeScaling.plain(10000), false, false, 100,
                0, 0, 1, 2048);
        Files.writeString(tmp.resolve("config.json"), c.toJson().toString());
        CliRun r = run("bench", "llm", "--model", tmp.toString(), "--reps", "1", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("random", j.get("weights").asText());
        for (String k : new String[] {"peak_gflops", "train_tokens_per_s", "prefill_tokens_per_s", "prefill_gflops",
            "decode_cached_tokens_per_s", "yesno_prompts_per_s"}) {
            assertTrue(j.get(k).asDouble() > 0, k + " in " + j);
        }
        assertEquals(256, j.get("decode_prefix").asInt());
        assertTrue(!j.has("parameters_100m"), "the built-in models are not measured with --model");
        // 1 layer: embedding 100x32, q 32x32, k,v 16x32, o 32x32, MLP 3x32x64, 2 norms, final norm, LM head 100x32.
        assertEquals(3200 + 1024 + 512 + 512 + 1024 + 6144 + 64 + 32 + 3200, j.get("parameters").asLong());
    }

    @Test
    void profileWritesEachStepsAndThePrefillsTraceAndAccountsTheirPhases(@TempDir Path tmp) throws Exception {
        assertEquals(2, run("bench", "llm", "--profile", tmp.toString(), "--model", tmp.toString()).code());
        Path dir = tmp.resolve("profile");
        CliRun r = run("bench", "llm", "--profile", dir.toString(), "--skip-100m", "--reps", "1", "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("demo", j.get("model").asText());
        for (String kind : new String[] {"full", "lora"}) {
            assertTrue(Files.size(dir.resolve("train-step-" + kind + ".trace.json")) > 0, kind);
            double step = j.get(kind + "_step_s").asDouble();
            double parts = j.get(kind + "_zero_grad_s").asDouble() + j.get(kind + "_forward_backward_s").asDouble()
                    + j.get(kind + "_clip_s").asDouble() + j.get(kind + "_optimizer_s").asDouble();
            assertEquals(step, parts, 1e-3 * step, kind + ": the phases make up the step");
            assertTrue(j.get(kind + "_matmul_self_s").asDouble() > 0, kind + " in " + j);
            assertTrue(j.get(kind + "_op_01").asText().startsWith("aten::"), j.get(kind + "_op_01").asText());
        }
        assertEquals(1024, j.get("full_tokens").asInt(), "the demo model's batch, 8 x 128");
        assertTrue(Files.size(dir.resolve("prefill.trace.json")) > 0);
        assertEquals(j.get("prefill_tokens").asInt(), 8 * 128, "the demo model's prefill batch");
        double engine = j.get("prefill_engine_s").asDouble();
        assertTrue(engine > 0 && j.get("prefill_matmul_self_s").asDouble() > 0
                && j.get("prefill_matmul_self_s").asDouble() <= engine, j.toString());
        assertTrue(j.get("prefill_op_01").asText().startsWith("aten::"), j.get("prefill_op_01").asText());
    }
}
