package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.SettingsFile;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;

class RunCommandTest {
    @TempDir
    Path tmp;

    /** A world of 200 users, both protocols, three CRMs and the oracle: seconds. */
    static final String TINY = """
            name: tiny
            seed: 11
            dataset: {format: synthetic, users: 200, items: 300}
            splits:
              loo: {sampler: popularity}
              time: {protocol: time, task: ctr, label_rule: ">=4"}
            models:
              - {name: oracle}
              - {name: pop}
              - {name: mf-bpr, settings: {epochs: 2}}
              - {name: dcnv2, settings: {epochs: 1}}
            """;

    @Test
    void aBadFileIsRefusedWholeWithOneLinePerProblemAndNoDirectory() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), """
                dataset: {format: synthetic, users: 200, items: 300}
                models:
                  - {name: lightgcn, settings: {lr: 0.1}}
                  - {name: bdlm}
                """);
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("tandem: " + f + ":3: models[0].settings.lr: unknown setting (known: "), r.err());
        assertTrue(lines.get(1).startsWith("tandem: " + f + ":4: models[1]: bdlm needs an LLM"), r.err());
        assertFalse(Files.exists(out), "nothing is written before the file is valid");
    }

    @Test
    void aTinyExperimentRunsEndToEndResumesAndRepeatsItsMetrics() throws Exception {
        Path f = Files.writeString(tmp.resolve("tiny.yaml"), TINY);
        Path out = tmp.resolve("run");
        CliRun first = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(0, first.code(), first.out() + first.err());
        for (String file : List.of("experiment.yaml", "manifest.json", "data/dataset.json", "data/truth.bin",
                "splits/loo/manifest.json", "splits/time/manifest.json", "models/pop/COMPLETE", "models/mf-bpr/model.bin",
                "models/mf-bpr/run.json", "models/dcnv2/metrics.json", "models/oracle/COMPLETE", "metrics.json",
                "report.html", "COMPLETE")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file + " in the run directory");
        }
        assertFalse(Files.exists(out.resolve("models/mf-bpr/checkpoint.bin")), "checkpoints go when a model is done");
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("tandem-run-manifest", manifest.path("format").asText());
        assertEquals(11, manifest.path("seed").asInt());
        assertFalse(manifest.path("git_commit").asText().isEmpty());
        assertTrue(manifest.path("finished").isTextual() && manifest.path("started").isTextual());
        assertEquals(64, manifest.path("data").path("files").elements().next().asText().length(), "SHA-256 of the data");
        assertEquals(64, manifest.path("splits").path("time").path("manifest_sha256").asText().length());
        assertTrue(manifest.path("machine").path("cpus").asInt() > 0);
        // every default written out: the resolved file is an experiment file that gives the same experiment
        Experiment resolved = ExperimentFile.read(out.resolve("experiment.yaml"));
        assertEquals(ExperimentFile.read(f).models(), resolved.models());

        RunResults r = MetricsFile.read(out.resolve("metrics.json"));
        Set<String> keys = r.results().stream().filter(m -> m.segment().equals(MetricRecord.ALL))
                .map(m -> m.task() + "/" + m.model()).collect(Collectors.toSet());
        assertEquals(Set.of("topk/oracle", "interaction/oracle", "ctr/oracle", "topk/pop", "interaction/pop",
                "topk/mf-bpr", "interaction/mf-bpr", "ctr/dcnv2"), keys);
        double oracleAuc = r.results().stream().filter(m -> m.task().equals("ctr") && m.model().equals("oracle")
                && m.segment().equals(MetricRecord.ALL)).findFirst().orElseThrow().get("auc");
        assertTrue(oracleAuc > 0.7, "the truth knows the clicks: AUC " + oracleAuc);
        assertEquals("synthetic, 200 users, 300 items", r.run().config().get("dataset"));

        // a directory in use is refused without --resume
        CliRun again = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists and is not empty"), again.err());

        // resume after an interruption within mf-bpr: only mf-bpr trains again
        String before = Files.readString(out.resolve("metrics.json"));
        Files.delete(out.resolve("models/mf-bpr/COMPLETE"));
        Files.delete(out.resolve("COMPLETE"));
        FileTime popModel = Files.getLastModifiedTime(out.resolve("models/pop/model.bin"));
        CliRun resumed = CliRun.of("run", f.toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("pop          finished earlier, skipped"), resumed.out());
        assertTrue(resumed.out().contains("dcnv2        finished earlier, skipped"), resumed.out());
        assertFalse(resumed.out().contains("mf-bpr       finished earlier"), resumed.out());
        assertTrue(resumed.out().lines().anyMatch(l -> l.startsWith("mf-bpr") && l.contains("done in")), resumed.out());
        assertEquals(popModel, Files.getLastModifiedTime(out.resolve("models/pop/model.bin")));
        assertTrue(Files.isRegularFile(out.resolve("COMPLETE")));
        assertEquals(withoutCreated(before), withoutCreated(Files.readString(out.resolve("metrics.json"))));

        // a changed experiment is not resumed into the same directory
        Path changed = Files.writeString(tmp.resolve("tiny2.yaml"), TINY.replace("epochs: 2", "epochs: 3"));
        CliRun refused = CliRun.of("run", changed.toString(), "--out", out.toString(), "--resume");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("the experiment differs"), refused.err());

        // the same file and seed in another directory: the same metrics.json, but for its creation time
        Path other = tmp.resolve("other");
        assertEquals(0, CliRun.of("run", f.toString(), "--out", other.toString()).code());
        assertEquals(withoutCreated(before), withoutCreated(Files.readString(other.resolve("metrics.json"))));
    }

    @Test
    void llmBaselinesRunAsModelsOfTheirOwnAndASeedListAveragesEachModel() throws Exception {
        Path f = Files.writeString(tmp.resolve("baselines.yaml"), """
                name: baselines
                seed: 11
                seeds: [1, 2]
                dataset: {format: synthetic, users: 200, items: 300}
                splits:
                  loo: {sampler: popularity}
                  time: {protocol: time, task: ctr, label_rule: ">=4"}
                llm: {pretrain: {steps: 3, hidden: 64, layers: 2, vocab: 600}}
                models:
                  - {name: mf-bpr, settings: {epochs: 1}}
                  - {name: llm-rec, settings: {eval_users: 8, valid_users: 4, crm_epochs: 1, train_positions: 10,
                                               drs_positions: 10}}
                  - {name: instructrec, settings: {eval_users: 8, valid_users: 4, crm_epochs: 1, train_positions: 10,
                                                   drs_positions: 10}}
                  - {name: tallrec, settings: {joint_samples: 8, llm_samples: 8, eval_rows: 40, valid_rows: 20,
                                               crm_epochs: 1}}
                """);
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        for (String m : List.of("mf-bpr", "llm-rec", "instructrec", "tallrec")) {
            for (String seed : List.of("seed-1", "seed-2")) {
                assertTrue(Files.isRegularFile(out.resolve("models").resolve(m).resolve(seed).resolve("COMPLETE")), m + seed);
            }
        }
        RunResults results = MetricsFile.read(out.resolve("metrics.json"));
        Set<String> keys = results.results().stream().filter(m -> m.segment().equals(MetricRecord.ALL))
                .map(m -> m.task() + "/" + m.model() + "/" + m.seed()).collect(Collectors.toSet());
        for (String k : List.of("topk/mf-bpr/1", "topk/mf-bpr/2", "topk/llm-rec/1", "topk/llm-rec/2", "topk/instructrec/2",
                "ctr/tallrec/1", "ctr/tallrec/2")) {
            assertTrue(keys.contains(k), k + " in " + keys);
        }
        // Each baseline alone: none of the methods' own rows, and no CRM baselines by default.
        for (String absent : List.of("bdlm-llm", "bdlm-drs", "bdlm-llm-no-et", "gpt4sm", "corella", "gmf", "autoint")) {
            assertTrue(keys.stream().noneMatch(k -> k.contains("/" + absent + "/")), absent + " in " + keys);
        }
        JsonNode over = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).get("over_seeds");
        Set<String> averaged = new java.util.HashSet<>();
        over.forEach(o -> averaged.add(o.get("task").asText() + "/" + o.get("model").asText()));
        assertTrue(averaged.containsAll(List.of("topk/mf-bpr", "topk/llm-rec", "topk/instructrec", "ctr/tallrec")), averaged
                .toString());
        assertTrue(Files.readString(out.resolve("report.html")).contains("Over seeds: mean ± standard deviation"));
    }

    @Test
    void theSyntheticExampleRunsOnSmallSettingsWithBdlmAndCorella() throws Exception {
        ObjectNode e = SettingsFile.read(Path.of("examples/synthetic.yaml"));
        ((ObjectNode) e.get("dataset")).put("users", 200).put("items", 300);
        // Popularity negatives: the sentence encoder of text negatives has its own tests.
        ((ObjectNode) e.get("splits").get("loo")).put("sampler", "popularity");
        // A small LLM of the same architecture, so its stages take seconds.
        ((ObjectNode) e.get("llm")).putObject("pretrain").put("steps", 3).put("hidden", 64).put("layers", 2)
                .put("vocab", 600);
        for (JsonNode m : e.get("models")) {
            ObjectNode s = m.has("settings") ? (ObjectNode) m.get("settings") : ((ObjectNode) m).putObject("settings");
            switch (m.get("name").asText()) {
                case "oracle" -> ((ObjectNode) m).remove("settings");
                case "bdlm" -> s.put("train_positions", 10).put("drs_positions", 10).put("eval_users", 8)
                        .put("valid_users", 4).put("crm_epochs", 1);
                case "corella" -> s.put("joint_samples", 8).put("llm_samples", 8).put("eval_rows", 40)
                        .put("valid_rows", 20).put("crm_epochs", 1);
                default -> s.put("epochs", 1);
            }
        }
        Path f = Files.writeString(tmp.resolve("synthetic.json"), e.toString());
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        Set<String> keys = MetricsFile.read(out.resolve("metrics.json")).results().stream()
                .filter(m -> m.segment().equals(MetricRecord.ALL)).map(m -> m.task() + "/" + m.model())
                .collect(Collectors.toSet());
        for (String k : List.of("topk/lightgcn", "topk/sasrec", "ctr/mf-bce-time", "ctr/dcnv2", "topk/bdlm-llm",
                "topk/bdlm-drs", "topk/llm-rec", "topk/gpt4sm", "topk/instructrec", "ctr/corella", "ctr/tallrec",
                "topk/bdlm/lightgcn", "ctr/corella/dcnv2")) {
            assertTrue(keys.contains(k), k + " in " + keys);
        }
        // The methods' own CRMs are other models than the entries named lightgcn and dcnv2: one row each.
        assertEquals(1, MetricsFile.read(out.resolve("metrics.json")).results().stream()
                .filter(m -> m.segment().equals(MetricRecord.ALL) && m.task().equals("topk") && m.model().equals("lightgcn"))
                .count());
        assertTrue(Files.isRegularFile(out.resolve("llm/config.json")), "the small LLM in Hugging Face layout");
        assertTrue(Files.isRegularFile(out.resolve("models/bdlm/COMPLETE")));
        assertTrue(Files.isRegularFile(out.resolve("models/corella/COMPLETE")));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(64, manifest.path("llm").path("files").path(out.resolve("llm/config.json").toString()).asText().length());

        // BDLM lost: on resuming, only it runs again, with the same LLM and the same figures
        String before = Files.readString(out.resolve("metrics.json"));
        org.tandemrec.base.Directories.deleteTree(out.resolve("models/bdlm"));
        Files.delete(out.resolve("COMPLETE"));
        CliRun resumed = CliRun.of("run", f.toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("small LLM: pre-trained earlier, kept"), resumed.out());
        assertTrue(resumed.out().contains("corella      finished earlier, skipped"), resumed.out());
        assertTrue(resumed.out().lines().anyMatch(l -> l.startsWith("bdlm ") && l.contains("done in")), resumed.out());
        assertEquals(withoutCreated(before), withoutCreated(Files.readString(out.resolve("metrics.json"))));
    }

    @Test
    void theMovieLensExampleRunsOnSmallSettings() throws Exception {
        Path data = Path.of("../shared/data/ml-100k");
        assumeTrue(Files.isRegularFile(data.resolve("u.data")),
                "skipped: MovieLens 100K is not in " + data.toAbsolutePath().normalize() + " (it cannot ship with Tandem)");
        ObjectNode e = SettingsFile.read(Path.of("examples/ml-100k.yaml"));
        ((ObjectNode) e.get("dataset")).put("path", data.toAbsolutePath().normalize().toString());
        ArrayNode models = (ArrayNode) e.get("models");
        for (int i = 0; i < models.size(); i++) {
            JsonNode m = models.get(i);
            (m.has("settings") ? (ObjectNode) m.get("settings") : ((ObjectNode) m).putObject("settings")).put("epochs", 1);
        }
        Path f = Files.writeString(tmp.resolve("ml-100k.json"), e.toString());
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("run", f.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("k-core filter (users >= 5, items >= 5)"), r.out());
        RunResults results = MetricsFile.read(out.resolve("metrics.json"));
        MetricRecord pop = results.results().stream().filter(m -> m.task().equals("topk") && m.model().equals("pop")
                && m.segment().equals(MetricRecord.ALL)).findFirst().orElseThrow();
        assertEquals(943, pop.count(), "one top-K list per user of ml-100k");
        assertTrue(results.results().stream().anyMatch(m -> m.task().equals("ctr") && m.model().equals("dcnv2")));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(64, manifest.path("data").path("files").path(data.toAbsolutePath().normalize().resolve("u.data")
                .toString()).asText().length(), manifest.toString());
        assertTrue(Files.isRegularFile(out.resolve("COMPLETE")));
    }

    /** metrics.json without run.created, the one timestamp it holds. */
    static String withoutCreated(String metrics) throws Exception {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree(metrics);
        ((ObjectNode) o.get("run")).remove("created");
        return o.toString();
    }
}
