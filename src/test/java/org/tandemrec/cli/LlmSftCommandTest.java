package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.sft.SftDataFile;
import org.tandemrec.llm.sft.SftRunRecord;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.llm.sft.SftTrainer;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/** {@code tandem llm sft} for a few steps on the tiny fixture model, LoRA and full, and its refusals. */
class LlmSftCommandTest {
    static final Path TINY = Fixtures.path("hf/tiny-llama");

    @BeforeAll
    static void singleThread() {
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    private static Path writeData(Path dir) throws Exception {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, """
                {"id": "a", "prompt": "Heat (1995) is a", "answer": " crime film"}
                {"id": "b", "prompt": "Casino (1995) is a", "answer": " crime film"}

                {"id": "c", "prompt": "Toy Story (1995) is an", "answer": " animated film"}
                {"id": 4, "prompt": "Babe (1995) is a", "answer": " family film"}
                {"prompt": "Fargo (1996) is a", "answer": " crime film"}
                {"prompt": "Jumanji (1995) is an", "answer": " adventure film"}
                """);
        Files.writeString(dir.resolve("valid.jsonl"), """
                {"format": "tandem-sft", "version": 1}
                {"prompt": "Se7en (1995) is a", "answer": " crime film"}
                {"prompt": "Balto (1995) is an", "answer": " animated film"}
                """);
        return train;
    }

    @Test
    void loraRunWritesAPeftAdapterAndTheLossCurve(@TempDir Path tmp) throws Exception {
        Path train = writeData(tmp);
        Path cfg = tmp.resolve("sft.yaml");
        Files.writeString(cfg, """
                lora_rank: 4
                lora_alpha: 8
                lora_dropout: 0.1
                lora_targets: [q_proj, v_proj, o_proj]
                epochs: 2
                batch_size: 2
                grad_accumulation: 2
                learning_rate: 0.02
                warmup_steps: 1
                max_length: 32
                checkpoint_every: 1
                seed: 3
                """);
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--valid",
                tmp.resolve("valid.jsonl").toString(), "--out", out.toString(), "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode line = new ObjectMapper().readTree(r.out());
        // 6 examples, 2 × 2 per step: 2 steps per epoch, 2 epochs
        assertEquals(4, line.get("steps").asInt());
        // r · (in + out) per adapted projection: q 4·(64+64), v 4·(64+32), o 4·(64+64), 2 layers
        assertEquals(2 * (4 * 128 + 4 * 96 + 4 * 128), line.get("trainable_parameters").asLong());

        Path adapter = out.resolve("adapter");
        JsonNode ac = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals(4, ac.get("r").asInt());
        assertEquals(8, ac.get("lora_alpha").asInt());
        assertEquals(TINY.toAbsolutePath().normalize().toString(), ac.get("base_model_name_or_path").asText());
        SafetensorsReader st = SafetensorsReader.open(adapter.resolve("adapter_model.safetensors"));
        assertEquals(12, st.names().size()); // 2 layers × 3 targets × (A, B)
        assertTrue(st.contains("base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight"));

        SftRunRecord rec = SftRunRecord.read(out.resolve("sft-run.json"));
        assertEquals(4, rec.loss().length);
        for (double l : rec.loss()) {
            assertTrue(Double.isFinite(l) && l > 0, "loss " + l);
        }
        assertEquals(2, rec.validLoss().length);
        assertEquals("lora", rec.settings().get("mode").asText());
        assertFalse(Files.exists(out.resolve("checkpoint.bin")));
        assertFalse(Files.exists(out.resolve("sft-steps.tsv")));

        // The saved adapter is the best epoch's: its validation loss, recomputed from the files, is the recorded one.
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY); LoraAdapter a = LoraAdapter.load(adapter, w, m)) {
            List<SftSequence> valid = SftTrainer.encode(tok, SftDataFile.read(tmp.resolve("valid.jsonl")), w.config(), 32);
            SftTask task = new SftTask(w, a, CausalLmGradients.loraParameters(a), valid, 2, m);
            assertEquals(rec.validLoss()[rec.bestEpoch()], task.validationLoss(valid), 1e-6);
        }
        CliRun merged = CliRun.of("llm", "merge", "--model", TINY.toString(), "--adapter", adapter.toString(), "--out",
                tmp.resolve("merged").toString());
        assertEquals(0, merged.code(), merged.err());
    }

    @Test
    void fullFineTuningWritesAHuggingFaceModel(@TempDir Path tmp) throws Exception {
        Path train = writeData(tmp);
        Path cfg = tmp.resolve("full.json");
        Files.writeString(cfg, "{\"mode\": \"full\", \"epochs\": 1, \"batch_size\": 2, \"learning_rate\": 0.005, "
                + "\"warmup_steps\": 0, \"max_length\": 32}");
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode line = new ObjectMapper().readTree(r.out());
        assertEquals(3, line.get("steps").asInt());
        assertEquals(org.tandemrec.llm.decoder.LlamaConfig.load(TINY).parameterCount(), line.get("trainable_parameters").asLong());
        Path model = out.resolve("model");
        assertTrue(Files.isRegularFile(model.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(model.resolve("generation_config.json")));
        assertFalse(Files.exists(out.resolve("adapter")));
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights base = DecoderWeights.load(TINY, m);
             DecoderWeights tuned = DecoderWeights.load(model, m)) {
            assertEquals(base.config(), tuned.config());
            float[] a = base.get("model.layers.0.mlp.down_proj.weight").toFloatArray();
            float[] b = tuned.get("model.layers.0.mlp.down_proj.weight").toFloatArray();
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(diff > 1e-4, "weights moved by " + diff);
        }
        // No validation data: no validation curve.
        assertEquals(0, SftRunRecord.read(out.resolve("sft-run.json")).validLoss().length);
    }

    @Test
    void idTokenRowsTrainWithTheAdapterAndTheModelCarriesThem(@TempDir Path tmp) throws Exception {
        // " and" (id 598) and " leading" (599) are among the trained rows 590..599; no other token of them occurs.
        Path train = tmp.resolve("rows.jsonl");
        Files.writeString(train, """
                {"prompt": "Heat and Casino", "answer": " leading"}
                {"prompt": "Fargo and Babe", "answer": " leading"}
                {"prompt": "Toy Story", "answer": " and leading"}
                """);
        Path cfg = tmp.resolve("rows.yaml");
        Files.writeString(cfg, "id_token_rows_from: 590\nepochs: 1\nbatch_size: 3\nlearning_rate: 0.01\nweight_decay: 0.01\n"
                + "warmup_steps: 0\nmax_length: 32\n");
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        // LoRA on q/v (2 layers × (4·128 + 4·96)) + 10 rows × 64 of the embedding and of the untied LM head
        assertEquals(2 * (8 * 128 + 8 * 96) + 2 * 10 * 64, new ObjectMapper().readTree(r.out()).get("trainable_parameters").asLong());
        JsonNode ac = new ObjectMapper().readTree(out.resolve("adapter/adapter_config.json").toFile());
        assertEquals(out.resolve("model").toAbsolutePath().normalize().toString(), ac.get("base_model_name_or_path").asText());
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights base = DecoderWeights.load(TINY, m);
             DecoderWeights tuned = DecoderWeights.load(out.resolve("model"), m)) {
            for (String t : new String[] {"model.embed_tokens.weight", "lm_head.weight"}) {
                float[] a = base.get(t).toFloatArray();
                float[] b = tuned.get(t).toFloatArray();
                int h = 64;
                assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOf(a, 590 * h), java.util.Arrays.copyOf(b, 590 * h)), t);
                // Rows are updated lazily: those of the data's tokens move, the other trained rows stay.
                for (int row = 590; row < 600; row++) {
                    assertEquals(row >= 598, !java.util.Arrays.equals(java.util.Arrays.copyOfRange(a, row * h, row * h + h),
                            java.util.Arrays.copyOfRange(b, row * h, row * h + h)), t + " row " + row + " moved");
                }
            }
            // Everything else is the base.
            assertTrue(java.util.Arrays.equals(base.get("model.layers.1.self_attn.q_proj.weight").toFloatArray(),
                    tuned.get("model.layers.1.self_attn.q_proj.weight").toFloatArray()));
        }
    }

    @Test
    void badSettingsAndDataAreRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path train = writeData(tmp);
        Path out = tmp.resolve("run");
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "lora_rank: 0\n");
        CliRun r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lora_rank must be > 0, got 0"), r.err());
        Files.writeString(cfg, "lora_rnak: 4\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown setting 'lora_rnak'"), r.err());
        Files.writeString(cfg, "mode: full\nid_token_rows_from: 590\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("id_token_rows_from"), r.err());
        Files.writeString(cfg, "id_token_rows_from: 600\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", train.toString(), "--out", out.toString(),
                "--config", cfg.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("id_token_rows_from 600 must be below the model's vocab_size 600"), r.err());

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"a\", \"answer\": \" b\"}\n\n{\"prompt\": \"c\"}\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", bad.toString(), "--out", out.toString());
        assertEquals(1, r.code(), "bad data exits 1");
        assertTrue(r.err().contains("bad.jsonl:3: field 'answer': missing"), r.err());
        Files.writeString(bad, "{\"prompt\": \"a\", \"answer\": \" b\", \"label\": 1}\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", bad.toString(), "--out", out.toString());
        assertEquals(1, r.code(), "bad data exits 1");
        assertTrue(r.err().contains("bad.jsonl:1: field 'label': unknown field"), r.err());
        Files.writeString(bad, "{\"format\": \"tandem-sft\", \"version\": 2}\n{\"prompt\": \"a\", \"answer\": \" b\"}\n");
        r = CliRun.of("llm", "sft", "--model", TINY.toString(), "--data", bad.toString(), "--out", out.toString());
        assertEquals(1, r.code(), "bad data exits 1");
        assertTrue(r.err().contains("bad.jsonl:1: field 'version': tandem-sft version 2 is not supported"), r.err());
        assertFalse(Files.exists(out), "nothing is written for a refused run");
    }

    /**
     * Full fine-tuning of the tiny model (156,992 parameters) with validation writes a checkpoint of
     * 4 × 4 × 156,992 bytes (values, both moments, the best epoch's) and the model (627,968 bytes)
     * beside it: 3,139,840 bytes, refused before any work on a disk with 2 MiB free.
     */
    @Test
    void aRunTheDiskCannotHoldIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path train = writeData(tmp);
        Path cfg = tmp.resolve("full.yaml");
        Files.writeString(cfg, "mode: full\nepochs: 1\nbatch_size: 2\n");
        Path out = tmp.resolve("run");
        CliRun r = CliRun.ofCommand(new LlmSftCommand(dir -> 2L << 20), "--model", TINY.toString(), "--data",
                train.toString(), "--valid", tmp.resolve("valid.jsonl").toString(), "--out", out.toString(), "--config",
                cfg.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tandem: " + out + ": llm sft (full) needs at least 3.0 MiB of free disk (its checkpoint of 2.4 MiB:"
                + " 156,992 trained values with AdamW's two moments and the best epoch's values, one; the model it saves of"
                + " 613.3 KiB) but the disk has 2.0 MiB free", r.err().strip());
        assertFalse(Files.exists(out), "nothing written: the directory the lock created is gone with it");
        // The same run with the space it needs trains.
        CliRun ok = CliRun.ofCommand(new LlmSftCommand(dir -> 3_139_840), "--model", TINY.toString(), "--data",
                train.toString(), "--valid", tmp.resolve("valid.jsonl").toString(), "--out", out.toString(), "--config",
                cfg.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
    }
}
