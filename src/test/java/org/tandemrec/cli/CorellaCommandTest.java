package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;

/**
 * {@code tandem corella} end to end on a small synthetic time split with the tiny reference
 * checkpoint: the three stages, routing, the baselines and the ablations scored on the same rows.
 */
class CorellaCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theThreeStagesRoutingAndTheComparison() throws Exception {
        Path split = CliRun.syntheticTimeSplit(tmp, 80, 150, 2000);
        Path world = tmp.resolve("world");
        Path config = tmp.resolve("corella.yaml");
        Files.writeString(config, String.join("\n", "crm_epochs: 2", "history_items: 4", "min_history: 2",
                "joint_samples: 16", "llm_samples: 8", "eval_rows: 50", "valid_rows: 40", "ablations: true",
                "shared_dim: 8", "baselines: [fibinet]", "sft: {batch_size: 4, warmup_steps: 1}", ""));
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("corella", "--data", split.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", out.toString(), "--config", config.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("COMPLETE")), "the completion marker, written last");
        com.fasterxml.jackson.databind.JsonNode run = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("run.json").toFile());
        assertEquals("corella", run.path("kind").asText());
        assertEquals(org.tandemrec.split.SplitIdentity.idsSha256(org.tandemrec.split.SplitDirectory.read(split)),
                run.path("split_ids_sha256").asText(), "the split it trained on");
        CliRun eval = CliRun.of("eval", out.toString());
        assertEquals(2, eval.code(), eval.err());
        assertTrue(eval.err().contains("is a corella run: tandem eval re-scores the model of a train crm run"), eval.err());
        RunResults results = MetricsFile.read(out.resolve(MetricsFile.FILE_NAME));
        Set<String> models = new TreeSet<>();
        Set<String> segments = new TreeSet<>();
        for (MetricRecord m : results.results()) {
            models.add(m.model());
            segments.add(m.segment());
            if (m.segment().equals(MetricRecord.ALL)) {
                assertEquals(50, m.count(), m.model());
                assertEquals("time@50", m.split());
                assertTrue(m.metrics().keySet().containsAll(Set.of("auc", "logloss", "accuracy")), m.model());
            }
        }
        assertEquals(new TreeSet<>(Set.of("dcnv2", "fibinet", "tallrec", "corella", "corella-no-mix", "corella-llm", "corella-oracle",
                "corella-no-stage1", "corella-no-stage2", "corella-no-stage3", "corella-no-align")), models);
        assertTrue(segments.containsAll(Set.of("entropy-q1", "entropy-q2", "entropy-q3", "route@0.00", "route@1.00")),
                segments.toString());
        // The oracle takes the better answer of each request: never below either side on log loss.
        double oracle = logloss(results, "corella-oracle");
        assertTrue(oracle <= logloss(results, "corella-no-mix") && oracle <= logloss(results, "corella-llm"));
        assertTrue(Files.isRegularFile(out.resolve("corella-llm/adapter_config.json")));
        assertTrue(Files.isRegularFile(out.resolve("corella-llm/corella-dcnv2.bin")));
        assertTrue(Files.isRegularFile(out.resolve("corella-llm/cascade.json")));
        assertTrue(Files.isRegularFile(out.resolve("dcnv2.bin")));
        assertTrue(results.curves().stream().anyMatch(c -> c.group().startsWith("stage 2: L_cal")));
        // The CRMs' training loss and validation AUC by epoch (crm_epochs 2), and every setting under the method's name.
        for (String crm : List.of("dcnv2", "fibinet")) {
            for (String group : List.of("CRMs: training loss by epoch", "CRMs: validation auc by epoch")) {
                Curve c = results.curves().stream().filter(x -> x.group().equals(group) && x.name().equals(crm))
                        .findFirst().orElseThrow(() -> new AssertionError(group + " / " + crm + " in " + results.curves()));
                assertTrue(c.x().length >= 1 && c.x().length <= 2, c.toString());
            }
        }
        assertEquals("16", results.settings().get("corella").get("joint_samples"));
        assertTrue(results.results().stream().filter(m -> m.segment().equals(MetricRecord.ALL))
                .allMatch(m -> m.calibration() != null), "every model's probabilities have their reliability diagram");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Routing") && html.contains("corella and its variants"));

        // A split of implicit feedback is refused before any work.
        Path loo = tmp.resolve("loo");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", loo.toString(),
                "--sampler", "popularity", "--negatives", "4").code());
        CliRun bad = CliRun.of("corella", "--data", loo.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(),
                "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("CoReLLa needs a CTR split with labels from ratings"), bad.err());
    }

    private static double logloss(RunResults r, String model) {
        return r.results().stream().filter(m -> m.model().equals(model) && m.segment().equals(MetricRecord.ALL))
                .findFirst().orElseThrow().get("logloss");
    }

    /**
     * On a disk too small for the LoRA training's files the run is refused before stage 1 trains
     * anything. The tiny model's default adapter (r 8 on q_proj and v_proj of 2 layers) has 3,584
     * values: a checkpoint of 3 × 4 × 3,584 = 43,008 bytes and an adapter of 14,336.
     */
    @Test
    void aRunTheDiskCannotHoldIsRefusedBeforeStageOne() throws Exception {
        Path world = tmp.resolve("world");
        CliRun made = CliRun.of("data", "synth", "--out", world.toString(), "--users", "80", "--items", "150",
                "--interactions", "2000");
        assertEquals(0, made.code(), made.err());
        Path split = tmp.resolve("time");
        made = CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(),
                "--protocol", "time", "--task", "ctr", "--label-rule", ">=4");
        assertEquals(0, made.code(), made.err());
        Path config = tmp.resolve("corella.yaml");
        Files.writeString(config, "min_history: 2\nhistory_items: 4\n");
        Path out = tmp.resolve("run");
        CliRun r = CliRun.ofCommand(new CorellaCommand(dir -> 16 * 1024), "--data", split.toString(), "--llm",
                Fixtures.path("hf/tiny-llama").toString(), "--out", out.toString(), "--config", config.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tandem: " + out + ": CoReLLa's LoRA training needs at least 56.0 KiB of free disk (its checkpoint of"
                + " 42.0 KiB: 3,584 trained values with AdamW's two moments, one; the adapter it saves of 14.0 KiB) but the"
                + " disk has 16.0 KiB free", r.err().strip());
        assertTrue(!Files.exists(out.resolve("checkpoints/stage1.ckpt")) && !Files.exists(out.resolve("COMPLETE")),
                "stage 1 did not start");
    }
}
