package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;

/**
 * BDLM and CoReLLa at once: BDLM tuned on a leave-one-out split cut from the time split's
 * training part, then CoReLLa on the time split with that model, whose ID tokens mean the same
 * users and items there; a model whose tokens index another split is refused.
 */
class BothMethodsTest {
    @TempDir
    Path tmp;

    @Test
    void coReLlaReadsABdlmModelTunedOnItsTrainingPartWithItsIdTokens() throws Exception {
        Path time = CliRun.syntheticTimeSplit(tmp, 80, 150, 2000);
        Path loo = tmp.resolve("loo");
        CliRun cut = CliRun.of("split", "--format", "split", time.toString(), "--out", loo.toString(), "--sampler",
                "popularity", "--negatives", "4");
        assertEquals(0, cut.code(), cut.err());

        Path bdlmConfig = Files.writeString(tmp.resolve("bdlm.yaml"), String.join("\n", "crm_epochs: 1", "baselines: []",
                "methods: [bdlm]", "history_items: 2", "train_positions: 12", "drs_positions: 8", "rounds: 1",
                "ablations: false", "eval_users: 8", "valid_users: 4", "sft: {batch_size: 4, warmup_steps: 1}", ""));
        Path bdlm = tmp.resolve("bdlm");
        CliRun b = CliRun.of("bdlm", "--data", loo.toString(), "--llm", Fixtures.path("hf/tiny-llama").toString(), "--out",
                bdlm.toString(), "--config", bdlmConfig.toString());
        assertEquals(0, b.code(), b.err());
        Path tuned = bdlm.resolve("bdlm-llm");
        assertEquals(SplitIdentity.idsSha256(SplitDirectory.read(time)),
                SplitIdentity.read(tuned.resolve(IdTokens.SPLIT_FILE)).idsSha256(),
                "the tokens index the leave-one-out split, whose users and items are the time split's");

        Path corellaConfig = Files.writeString(tmp.resolve("corella.yaml"), String.join("\n", "crm_epochs: 1",
                "history_items: 4", "min_history: 2", "joint_samples: 8", "llm_samples: 8", "eval_rows: 30",
                "valid_rows: 20", "ablations: false", "shared_dim: 8", "baselines: []",
                "sft: {batch_size: 4, warmup_steps: 1}", ""));
        Path corella = tmp.resolve("corella");
        CliRun c = CliRun.of("corella", "--data", time.toString(), "--llm", tuned.toString(), "--out", corella.toString(),
                "--config", corellaConfig.toString());
        assertEquals(0, c.code(), c.err());
        RunResults results = MetricsFile.read(corella.resolve(MetricsFile.FILE_NAME));
        assertTrue(results.run().config().get("prompts").contains("<uid_k>/<iid_k> tokens"), results.run().config().toString());
        assertTrue(results.results().stream().anyMatch(r -> r.model().equals("corella") && r.segment().equals(MetricRecord.ALL)));

        // The same model saying its tokens index another split's users and items is refused before any training.
        Path other = tmp.resolve("other-llm");
        Files.createDirectories(other);
        try (var files = Files.list(tuned)) {
            for (Path f : files.toList()) {
                Files.copy(f, other.resolve(f.getFileName()));
            }
        }
        new SplitIdentity("0".repeat(64), "1".repeat(64)).write(other.resolve(IdTokens.SPLIT_FILE));
        CliRun refused = CliRun.of("corella", "--data", time.toString(), "--llm", other.toString(), "--out",
                tmp.resolve("refused").toString(), "--config", corellaConfig.toString());
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("its ID tokens index the users and items of another split"), refused.err());
        assertTrue(refused.err().contains("tandem split --format split"), refused.err());
    }
}
