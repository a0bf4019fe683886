package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;

/**
 * {@code tandem bdlm} end to end on a small synthetic split with the tiny reference checkpoint:
 * every model of the comparison, the ablations and a λ sweep are scored on the same lists.
 */
class BdlmCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theWholeComparisonOnOneSplit() throws Exception {
        Path world = tmp.resolve("world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "60", "--items", "150", "--interactions", "1500").code());
        Path split = tmp.resolve("loo");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(),
                "--sampler", "popularity", "--negatives", "4").code());
        Path config = tmp.resolve("bdlm.yaml");
        Files.writeString(config, String.join("\n",
                "crm_epochs: 2", "crm_dim: 24", "baselines: [gmf]", "history_items: 2", "train_positions: 24", "drs_positions: 12",
                "rounds: 1", "lambda_sweep: [0, 1.0]", "ablations: true", "eval_users: 12", "valid_users: 8",
                "sft: {batch_size: 4, warmup_steps: 1}", ""));
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("bdlm", "--data", split.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", out.toString(), "--config", config.toString());
        assertEquals(0, r.code(), r.err());
        RunResults results = MetricsFile.read(out.resolve(MetricsFile.FILE_NAME));
        Set<String> models = new TreeSet<>();
        for (MetricRecord m : results.results()) {
            models.add(m.model());
            if (m.segment().equals(MetricRecord.ALL)) {
                assertEquals(m.task().equals("topk") ? 12 : 24, m.count(), m.task() + " " + m.model());
                assertEquals("loo@12", m.split());
            }
        }
        assertEquals(new TreeSet<>(Set.of("lightgcn", "gmf", "llm-rec", "gpt4sm", "bdlm-llm", "bdlm-drs",
                "bdlm-llm-lambda-0.1", "bdlm-drs-lambda-0.1", "bdlm-llm-lambda-0", "bdlm-drs-lambda-0", "bdlm-llm-lambda-1", "bdlm-drs-lambda-1", "bdlm-llm-no-et", "bdlm-drs-no-et", "instructrec",
                "bdlm-llm-no-jl", "bdlm-drs-no-jl", "bdlm-llm-no-pe", "bdlm-drs-no-pe")), models);
        // The sweep's λ = 0 is the run without joint learning: trained once, reported under both names.
        for (MetricRecord m : results.results()) {
            if (m.model().endsWith("-no-jl")) {
                String twin = m.model().replace("-no-jl", "-lambda-0");
                assertTrue(results.results().stream().anyMatch(o -> o.model().equals(twin) && o.task().equals(m.task())
                        && o.segment().equals(m.segment()) && o.metrics().equals(m.metrics())), m.model() + " " + m.segment());
            }
        }
        assertTrue(r.out().contains("bdlm-no-pe: λ") && !r.out().contains("bdlm-no-jl: λ"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("bdlm-llm/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("bdlm-llm/bdlm-drs.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        assertTrue(Files.isRegularFile(out.resolve("COMPLETE")), "the completion marker, written last");
        com.fasterxml.jackson.databind.JsonNode run = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("run.json").toFile());
        assertEquals("bdlm", run.path("kind").asText());
        assertEquals(org.tandemrec.split.SplitIdentity.idsSha256(org.tandemrec.split.SplitDirectory.read(split)),
                run.path("split_ids_sha256").asText(), "the split it trained on");
        CliRun eval = CliRun.of("eval", out.toString());
        assertEquals(2, eval.code(), eval.err());
        assertTrue(eval.err().contains("is a bdlm run: tandem eval re-scores the model of a train crm run"), eval.err());
        // BPR scores are calibrated on the validation rows, so every model has F1 like the paper's Table 3.
        for (MetricRecord m : results.results()) {
            if (m.task().equals("interaction") && m.segment().equals(MetricRecord.ALL)) {
                assertTrue(m.metrics().containsKey("f1") && m.metrics().containsKey("precision"), m.model());
            }
        }
        // Both sides' losses are traced for every variant; the λ·MSE terms only where λ > 0.
        Set<String> traced = new TreeSet<>();
        results.curves().forEach(c -> traced.add(c.group() + " / " + c.name()));
        assertTrue(traced.contains("LLM side: answer-token loss by step / bdlm-no-jl"), traced.toString());
        assertTrue(traced.contains("CRM side: BCE loss by step / bdlm-lambda-1"), traced.toString());
        assertTrue(traced.contains("LLM side: λ·MSE to the sharing module by step / bdlm-no-pe"), traced.toString());
        assertTrue(traced.stream().noneMatch(t -> t.endsWith("MSE to the sharing module by step / bdlm-no-jl")), traced.toString());
        assertTrue(traced.containsAll(Set.of("CRMs: validation hr@10 by epoch / lightgcn", "CRMs: validation hr@10 by epoch / gmf",
                "CRMs: training loss by epoch / lightgcn")), traced.toString());
        assertEquals("2", results.settings().get("bdlm").get("crm_epochs"));
        // Projected vectors lose LightGCN's inner products: the feature-enhanced CRM reads its score as an input.
        assertEquals("lightgcn's score as an input (its score is not the inner product of the vectors the tables hold)",
                results.run().config().get("bdlm-drs start"));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Comparison across tasks (split loo@12)") && html.contains("<th>interaction f1</th>"));
        assertTrue(html.contains("bdlm-llm and its variants") && html.contains("bdlm-llm against λ"));
        assertTrue(html.contains("Training curves"));
        // Resumed after it finished, the run loads its CRMs and every variant's last checkpoint: the same numbers.
        CliRun again = CliRun.of("bdlm", "--data", split.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", out.toString(), "--config", config.toString(), "--resume");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("lightgcn: loading") && again.out().contains("gmf: loading"), again.out());
        // The CRM at its own size (24), its vectors projected to the LLM's hidden size (64).
        assertTrue(again.out().contains("CRM lightgcn at size 24, its vectors projected to the LLM's hidden size 64")
                && again.out().contains("crms/lightgcn-d24-"), again.out());
        RunResults resumed = MetricsFile.read(out.resolve(MetricsFile.FILE_NAME));
        assertEquals(results.results(), resumed.results());
        assertEquals(results.curves().stream().filter(c -> c.group().startsWith("CRMs: ")).toList(),
                resumed.curves().stream().filter(c -> c.group().startsWith("CRMs: ")).toList(),
                "the loaded CRMs keep their curves");
        CliRun bad = CliRun.of("bdlm", "--data", split.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", tmp.resolve("bad").toString(), "--crm", "sasrec");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("crm must be one of [gmf, lightgcn, neumf], got sasrec"), bad.err());
        // a budget too small for the lists is said before any training
        Path tight = tmp.resolve("tight.yaml");
        Files.writeString(tight, "token_budget: 30\n");
        long t0 = System.nanoTime();
        CliRun small = CliRun.of("bdlm", "--data", split.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", tmp.resolve("tight").toString(), "--config", tight.toString());
        assertEquals(2, small.code());
        assertTrue(small.err().contains("over the token budget of 30"), small.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "refused before training");
    }

    /**
     * BDLM fine-tunes the whole tiny model (156,992 parameters) with one ID row per user and item in
     * the embeddings and the untied head (2 × 64 values each): a checkpoint of the trained values and
     * both moments (12 bytes each) beside the saved model (4 bytes each). On a disk with 1 MiB free
     * the run is refused before the LLM is loaded.
     */
    @Test
    void aRunTheDiskCannotHoldIsRefusedBeforeTheLlmIsLoaded() throws Exception {
        Path world = tmp.resolve("world");
        CliRun made = CliRun.of("data", "synth", "--out", world.toString(), "--users", "60", "--items", "150",
                "--interactions", "1500");
        assertEquals(0, made.code(), made.err());
        Path split = tmp.resolve("loo");
        made = CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(),
                "--sampler", "popularity", "--negatives", "4");
        assertEquals(0, made.code(), made.err());
        org.tandemrec.split.SplitData s = org.tandemrec.split.SplitDirectory.read(split);
        long values = 156_992 + 128L * (s.numUsers() + s.numItems());
        Path out = tmp.resolve("run");
        CliRun r = CliRun.ofCommand(new BdlmCommand(dir -> 1L << 20), "--data", split.toString(), "--llm",
                Fixtures.path("hf/tiny-llama").toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(String.format(java.util.Locale.ROOT, "tandem: %s: bdlm's fine-tuning needs at least %s of free disk"
                + " (its checkpoint of %s: %,d trained values with AdamW's two moments, one; the model it saves of %s) but"
                + " the disk has 1.0 MiB free", out, org.tandemrec.base.ByteSize.human(16 * values),
                org.tandemrec.base.ByteSize.human(12 * values), values, org.tandemrec.base.ByteSize.human(4 * values)),
                r.err().strip());
        assertTrue(!Files.exists(out.resolve("crms")) && !Files.exists(out.resolve("COMPLETE")), "nothing trained");
    }
}
