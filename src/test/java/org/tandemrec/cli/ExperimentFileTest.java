package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.split.SplitConfig;

class ExperimentFileTest {
    @TempDir
    Path tmp;

    private static final String BAD = """
            name: bad
            seed: 3
            colour: blue
            dataset: {format: synthetic, users: many, items: 300}
            filters: {kcore: -1}
            splits:
              loo: {protocol: loo, negatives: 0}
              time: {protocol: time, task: ctr, fractions: [0.5, 0.5], label_rule: ">=4"}
              rand: {protocol: random}
            models:
              - {name: pop}
              - {name: lightgnc}
              - name: mf-bpr
                settings:
                  learning_rate: fast
                  lr: 0.1
                  epochs: 0
              - {name: bdlm}
              - {name: dcnv2, split: rand}
              - {name: pop}
              - {name: corella, settings: {sft: {mode: full, lora_rnk: 4}}}
            """;

    @Test
    void everyProblemIsReportedWithItsLineAndPath() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), BAD);
        ExperimentFile.Invalid e = assertThrows(ExperimentFile.Invalid.class, () -> ExperimentFile.read(f));
        List<String> lines = e.lines();
        String all = String.join("\n", lines);
        String p = f.toString();
        assertTrue(lines.contains(p + ":3: colour: unknown key (known: [name, seed, seeds, dataset, filters, splits, llm, models])"), all);
        assertTrue(lines.contains(p + ":4: dataset.users: must be an integer, got \"many\""), all);
        assertTrue(lines.contains(p + ":5: filters.kcore: must be >= 0 (0: no filter), got -1"), all);
        assertTrue(lines.contains(p + ":7: splits.loo.negatives: must be >= 1, got 0"), all);
        assertTrue(lines.contains(p + ":8: splits.time.fractions: must be three numbers [train, valid, test], got [0.5,0.5]"), all);
        assertTrue(all.contains(p + ":12: models[1].name: unknown model 'lightgnc' (known: [random, pop,"), all);
        assertTrue(all.contains("bdlm, corella, oracle, llm-rec, gpt4sm, instructrec, tallrec])"), all);
        assertTrue(lines.contains(p + ":15: models[2].settings.learning_rate: must be a number, got \"fast\""), all);
        assertTrue(all.contains(p + ":16: models[2].settings.lr: unknown setting (known: ["), all);
        assertTrue(lines.contains(p + ":17: models[2].settings.epochs: must be > 0, got 0"), all);
        assertTrue(lines.contains(p + ":18: models[3]: bdlm needs an LLM: add an llm section (llm: {pretrain: {steps: 200}}"
                + " or llm: {path: HF_DIR})"), all);
        assertTrue(lines.contains(p + ":19: models[4].split: dcnv2 needs labelled rows: split 'rand' has no label_rule (e.g. '>=4')"), all);
        assertTrue(lines.contains(p + ":21: models[6].settings.sft.mode: must be lora: CoReLLa tunes the LLM with LoRA"), all);
        assertTrue(lines.contains(p + ":20: models[5].id: 'pop' is models[0]'s too; give one of them another id"), all);
        assertTrue(all.contains(p + ":21: models[6].settings.sft.lora_rnk: unknown setting (known: ["), all);
        assertTrue(all.contains(p + ":21: models[6]: corella needs an LLM"), all);
        assertEquals(15, lines.size(), all);
    }

    @Test
    void llmBaselinesRunAloneAndASeedListRunsEveryModelOncePerSeed() throws Exception {
        Path f = Files.writeString(tmp.resolve("seeds.yaml"), """
                seed: 5
                seeds: [1, 2]
                dataset: {format: synthetic, users: 200, items: 300}
                splits:
                  loo: {sampler: popularity}
                  time: {protocol: time, task: ctr, label_rule: ">=4"}
                llm: {pretrain: {steps: 3}}
                models:
                  - {name: oracle}
                  - {name: mf-bpr}
                  - {name: instructrec, settings: {train_positions: 10}}
                  - {name: tallrec}
                """);
        Experiment e = ExperimentFile.read(f);
        assertEquals(List.of(1L, 2L), e.seeds());
        assertEquals(List.of("oracle", "mf-bpr/seed-1", "mf-bpr/seed-2", "instructrec/seed-1", "instructrec/seed-2",
                "tallrec/seed-1", "tallrec/seed-2"), e.models().stream().map(Experiment.Model::dir).toList());
        Experiment.Model instruct = e.models().get(4);
        assertEquals(Experiment.Kind.BDLM, instruct.kind());
        assertEquals(List.of("instructrec"), instruct.bdlm().methods());
        assertEquals(List.of(), instruct.bdlm().baselines(), "alone: no CRM baselines unless asked");
        assertEquals(2L, instruct.bdlm().seed());
        assertEquals(10, instruct.bdlm().trainPositions());
        assertEquals(2L, e.models().get(2).crm().train().seed());
        Experiment.Model tallrec = e.models().get(5);
        assertEquals(Experiment.Kind.CORELLA, tallrec.kind());
        assertEquals("time", tallrec.split());
        assertEquals(List.of("tallrec"), tallrec.corella().methods());
        assertEquals(1L, tallrec.corella().seed());

        // The resolved file lists the seeds, no model seed, and reads back as the same experiment.
        Path back = Files.writeString(tmp.resolve("back.yaml"), e.resolved().toString());
        Experiment again = ExperimentFile.read(back);
        assertEquals(e.resolved(), again.resolved());
        assertFalse(e.resolved().get("models").get(1).get("settings").has("seed"));

        Path bad = Files.writeString(tmp.resolve("bad-seeds.yaml"), """
                seeds: [1, 1]
                dataset: {format: synthetic, users: 200, items: 300}
                llm: {pretrain: {steps: 3}}
                models:
                  - {name: mf-bpr, settings: {seed: 4}}
                  - {name: llm-rec, settings: {methods: [bdlm]}}
                """);
        List<String> lines = assertThrows(ExperimentFile.Invalid.class, () -> ExperimentFile.read(bad)).lines();
        String p = bad.toString();
        String all = String.join("\n", lines);
        assertTrue(lines.contains(p + ":1: seeds[1]: seed 1 is listed twice"), all);
        assertTrue(lines.contains(p + ":5: models[0].settings.seed: the experiment lists seeds: leave the model's seed out"),
                all);
        assertTrue(lines.contains(p + ":6: models[1].settings.methods: llm-rec runs alone: leave methods out (or [llm-rec]),"
                + " or use bdlm/corella with methods [\"bdlm\"]"), all);
        assertEquals(3, lines.size(), all);
    }

    @Test
    void defaultsAreResolvedAndTheResolvedFileReadsBackTheSame() throws Exception {
        Path f = Files.writeString(tmp.resolve("small.yaml"), """
                seed: 5
                dataset: {format: synthetic, users: 200, items: 300}
                splits:
                  loo: {sampler: popularity}
                  time: {protocol: time, task: ctr, label_rule: ">=4"}
                models:
                  - {name: oracle}
                  - {name: lightgcn, settings: {epochs: 2}}
                  - {name: dcnv2}
                  - {name: pop, id: pop-time, split: time}
                """);
        Experiment e = ExperimentFile.read(f);
        assertEquals("small", e.name(), "the name defaults to the file's");
        assertEquals(5, e.seed());
        assertEquals(SplitConfig.Protocol.TIME, e.splits().get("time").config().protocol());
        assertEquals(5, e.splits().get("loo").config().seed(), "splits take the experiment's seed");
        assertEquals("time", e.models().get(2).split(), "a click model goes to the labelled split");
        assertEquals("loo", e.models().get(1).split(), "others to the first split");
        assertNull(e.models().get(0).split(), "the oracle is scored on every split");
        assertEquals(5, e.models().get(1).crm().train().seed(), "models take the experiment's seed");
        assertEquals(2, e.models().get(1).crm().train().epochs());
        assertNull(e.llm(), "no model needs an LLM");
        String resolved = ExperimentRun.resolvedText(e);
        assertTrue(resolved.contains("learning_rate"), resolved);
        assertFalse(resolved.contains("batch_size: 4096"), "LightGCN's batch follows the data: " + resolved);
        Path again = Files.writeString(tmp.resolve("small-resolved.yaml"), resolved);
        Experiment e2 = ExperimentFile.read(again);
        assertEquals(e.resolved().toString().replace("\"small\"", "\"x\""),
                e2.resolved().toString().replace("\"small\"", "\"x\""));
        assertEquals(e.models(), e2.models());
    }

    @Test
    void csvDataTakesItsSideFilesAndRecBoleItsDirectory() throws Exception {
        Files.writeString(tmp.resolve("r.csv"), "user_id,item_id,rating,timestamp\nu,i,4,1\n");
        Files.writeString(tmp.resolve("titles.csv"), "id,title\ni,One\n");
        Path f = Files.writeString(tmp.resolve("csv.yaml"), """
                dataset: {format: csv, path: r.csv, items: titles.csv, items_id_col: id}
                models:
                  - {name: pop}
                """);
        Experiment e = ExperimentFile.read(f);
        assertEquals(tmp.resolve("titles.csv"), e.dataset().options().csvSideFiles().items());
        assertEquals("id", e.dataset().options().csvSideFiles().itemIdColumn());
        assertNull(e.dataset().options().csvSideFiles().users());
        assertTrue(ExperimentRun.resolvedText(e).contains("items_id_col: id"), ExperimentRun.resolvedText(e));

        Path bad = Files.writeString(tmp.resolve("bad-csv.yaml"), """
                dataset: {format: csv, path: r.csv, users: nowhere.csv}
                models:
                  - {name: pop}
                """);
        ExperimentFile.Invalid invalid = assertThrows(ExperimentFile.Invalid.class, () -> ExperimentFile.read(bad));
        assertTrue(invalid.lines().get(0).startsWith(bad + ":1: dataset.users: not found: "), invalid.lines().toString());

        Path recbole = Files.createDirectories(tmp.resolve("rb"));
        Files.writeString(recbole.resolve("rb.inter"), "user_id:token\titem_id:token\nu\ti\n");
        Path rb = Files.writeString(tmp.resolve("rb.yaml"), """
                dataset: {format: recbole, path: rb}
                models:
                  - {name: pop}
                """);
        assertEquals("recbole", ExperimentFile.read(rb).dataset().format());
    }
}
