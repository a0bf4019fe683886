package org.tandemrec.llm.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.TrainConfig;

/** The SFT JSON Lines format (round trip, errors by file/line/field), settings files, and prompt/answer encoding. */
class SftDataAndConfigTest {
    @Test
    void dataFileRoundTripsAndNamesTheFaultyLineAndField(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("d.jsonl");
        List<SftExample> ex = List.of(new SftExample("u1", "a \"quoted\"\nprompt", " Yes"), new SftExample("b", " No"));
        SftDataFile.write(f, ex);
        assertTrue(Files.readAllLines(f).get(0).contains("\"tandem-sft\""));
        assertEquals(ex, SftDataFile.read(f));
        assertNull(SftDataFile.read(f).get(1).id());

        String[][] bad = {
            {"{\"prompt\": \"a\", \"answer\": \"\"}", "1", "answer", "must not be empty"},
            {"{\"prompt\": 3, \"answer\": \"x\"}", "1", "prompt", "must be a string"},
            {"{\"prompt\": \"a\", \"answer\": \"x\"}\n[1, 2]", "2", "(line)", "expected a JSON object"},
            {"{\"prompt\": \"a\", \"answer\": \"x\"\n", "1", "(line)", "not valid JSON"},
            {"{\"id\": 1, \"prompt\": \"a\", \"answer\": \"x\"}\n{\"id\": \"1\", \"prompt\": \"b\", \"answer\": \"y\"}", "2", "id", "duplicate id '1'"},
            {"{\"prompt\": \"a\", \"answer\": \"x\"}\n{\"format\": \"tandem-sft\", \"version\": 1}", "2", "format", "only on the first line"},
            {"{\"format\": \"other\", \"version\": 1}", "1", "format", "expected tandem-sft"},
        };
        for (String[] b : bad) {
            Files.writeString(f, b[0]);
            DataFormatException e = assertThrows(DataFormatException.class, () -> SftDataFile.read(f), b[0]);
            assertEquals(Long.parseLong(b[1]), e.line(), e.getMessage());
            assertEquals(b[2], e.field(), e.getMessage());
            assertTrue(e.getMessage().contains(b[3]) && e.getMessage().startsWith(f.toString()), e.getMessage());
        }
        Files.writeString(f, "\n{\"format\": \"tandem-sft\", \"version\": 1}\n");
        assertTrue(assertThrows(DataFormatException.class, () -> SftDataFile.read(f)).getMessage().contains("no examples"));
    }

    @Test
    void settingsFileOverridesDefaultsKeyByKey(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "lora_targets: q_proj, v_proj ,down_proj\nbatch_size: 4\ngrad_accumulation: 3\nlearning_rate: 1e-3\n");
        SftConfig c = SftConfig.load(f);
        assertEquals(List.of("q_proj", "v_proj", "down_proj"), c.loraTargets());
        assertEquals(12, c.examplesPerStep());
        TrainConfig t = c.trainConfig();
        assertEquals(12, t.batchSize());
        assertEquals(TrainConfig.OptimizerKind.ADAMW, t.optimizer());
        assertEquals(TrainConfig.ScheduleKind.COSINE, t.schedule());
        assertEquals(TrainConfig.MetricDirection.MINIMIZE, t.metricDirection());
        assertEquals(SftConfig.builder().build().warmupSteps(), t.warmupSteps());
        // toJson writes every key, and reading it back gives the same settings.
        Path j = tmp.resolve("s.json");
        Files.writeString(j, c.toJson().toString());
        assertEquals(c, SftConfig.load(j));
        String[][] bad = {
            {"lora_alpha: -1\n", "lora_alpha must be > 0, got -1.0"},
            {"lora_dropout: 1\n", "lora_dropout must be in [0, 1), got 1.0"},
            {"lora_targets: []\n", "lora_targets must not be empty"},
            {"mode: half\n", "mode must be lora or full, got half"},
            {"epochs: 1.5\n", "epochs must be an integer, got 1.5"},
            {"clip_norm: -1\n", "clip_norm must be >= 0"},
            {"max_length: 1\n", "max_length must be >= 2, got 1"},
            {"- a\n- b\n", "expected a mapping of settings"},
        };
        for (String[] b : bad) {
            Files.writeString(f, b[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SftConfig.load(f), b[0]);
            assertTrue(e.getMessage().contains(b[1]) && e.getMessage().startsWith(f.toString()), e.getMessage());
        }
    }

    @Test
    void encodingPutsTheLossOnTheAnswerAndCutsThePromptFromTheLeft() throws Exception {
        try (LlmTokenizer tok = LlmTokenizer.load(Fixtures.path("hf/tiny-llama"))) {
            SftExample e = new SftExample("User 3 watched Heat (1995) and Casino.", " Yes");
            int[] p = tok.encode(e.prompt());
            int[] a = tok.encode(e.answer());
            SftSequence s = SftSequence.encode(tok, e, 0, 64);
            assertEquals(p.length + a.length + 1, s.length());
            assertEquals(a.length + 1, s.lossTokens()); // answer + end-of-sequence
            assertEquals(SftSequence.IGNORE, s.labels()[p.length - 1]);
            assertEquals(a[0], s.labels()[p.length]);
            assertEquals(0, s.labels()[s.length() - 1]);
            // Cut to 4 tokens: the answer and eos stay, the prompt keeps its last tokens.
            SftSequence cut = SftSequence.encode(tok, e, 0, a.length + 3);
            assertEquals(a.length + 3, cut.length());
            assertArrayEquals(java.util.Arrays.copyOfRange(p, p.length - 2, p.length), java.util.Arrays.copyOf(cut.ids(), 2));
        }
    }
}
