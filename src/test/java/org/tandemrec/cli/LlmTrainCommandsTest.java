package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.base.ByteSize;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;

/** {@code tandem llm merge} against the PEFT golden and {@code tandem llm pretrain} on a small corpus. */
class LlmTrainCommandsTest {
    static final Path HF = Fixtures.path("hf");

    @BeforeAll
    static void singleThread() {
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void mergedModelReproducesTheAdapterGolden(@TempDir Path tmp) throws Exception {
        Path merged = tmp.resolve("merged");
        CliRun m = run("llm", "merge", "--model", HF.resolve("tiny-llama").toString(), "--adapter",
                HF.resolve("tiny-llama-lora").toString(), "--out", merged.toString());
        assertEquals(0, m.code(), m.err());
        assertEquals(4, new ObjectMapper().readTree(m.out()).get("merged_matrices").asInt());
        assertTrue(Files.isRegularFile(merged.resolve("generation_config.json")));
        // The golden of tiny-llama-lora was computed by PEFT with the adapter applied; the merged
        // model must reproduce it without any adapter.
        CliRun c = run("llm", "check", "--model", merged.toString(), "--golden", HF.resolve("tiny-llama-lora/golden.json").toString());
        assertEquals(0, c.code(), c.out() + c.err());
        assertEquals(1, run("llm", "merge", "--model", "/nonexistent", "--adapter", "x", "--out", "y").code(),
                "a missing directory exits 1");
    }

    @Test
    void pretrainWritesALoadableCheckpoint(@TempDir Path tmp) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            lines.add("user " + (i % 13) + " watched Heat (1995) and Toy Story (1995), then rated " + (i % 5 + 1) + " stars.");
        }
        Path corpus = tmp.resolve("corpus.txt");
        Files.write(corpus, lines);
        Path out = tmp.resolve("small");
        CliRun r = run("llm", "pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--minutes", "0",
                "--steps", "6", "--hidden", "32", "--layers", "1", "--vocab", "300", "--context", "16");
        assertEquals(0, r.code(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(6, n.get("steps").asInt());
        assertTrue(n.get("vocab_size").asInt() <= 300);
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(out, m)) {
            assertEquals(n.get("vocab_size").asInt(), w.config().vocabSize());
            long[] shape = new Decoder(w, null).forward(m, new int[] {4, 5, 6}, false).logits().getShape().getShape();
            assertArrayEquals(new long[] {1, 3, w.config().vocabSize()}, shape);
        }
        // On a disk too small, refused once the vocabulary (so the size) is known, before any weight
        // exists: with a checkpoint every 2 of 6 steps, two checkpoints of the weights and both moments
        // (3 × 4 bytes a parameter each) stand side by side.
        long p = n.get("parameters").asLong();
        Path small = tmp.resolve("no-room");
        CliRun full = CliRun.ofCommand(new LlmPretrainCommand(dir -> 20 * p), "--corpus", corpus.toString(), "--out",
                small.toString(), "--steps", "6", "--checkpoint-every", "2", "--hidden", "32", "--layers", "1", "--vocab",
                "300", "--context", "16");
        assertEquals(1, full.code(), full.err());
        assertEquals(String.format(java.util.Locale.ROOT, "tandem: %s: llm pretrain needs at least %s of free disk (its"
                + " checkpoint of %s: %,d trained values with AdamW's two moments, two side by side while one replaces the"
                + " other; the model it saves of %s) but the disk has %s free", small, ByteSize.human(24 * p),
                ByteSize.human(12 * p), p, ByteSize.human(4 * p), ByteSize.human(20 * p)), full.err().strip());
        assertFalse(Files.exists(small.resolve("model.safetensors")) || Files.exists(small.resolve("checkpoint.bin")));
        CliRun fits = CliRun.ofCommand(new LlmPretrainCommand(dir -> 24 * p), "--corpus", corpus.toString(), "--out",
                small.toString(), "--steps", "6", "--checkpoint-every", "2", "--hidden", "32", "--layers", "1", "--vocab",
                "300", "--context", "16");
        assertEquals(0, fits.code(), fits.err());
        assertEquals(1, run("llm", "pretrain", "--corpus", tmp.resolve("missing.txt").toString(), "--out", out.toString()).code(),
                "a missing file exits 1");
        assertEquals(2, run("llm", "pretrain", "--corpus", corpus.toString(), "--out", out.toString(), "--steps", "0").code());

        // A number of steps, not a time budget, ends the run: the same seed gives the same model,
        // also when --resume finds no checkpoint to continue; another seed another one.
        Path again = tmp.resolve("again");
        CliRun r2 = run("llm", "pretrain", "--corpus", corpus.toString(), "--out", again.toString(), "--resume",
                "--steps", "6", "--hidden", "32", "--layers", "1", "--vocab", "300", "--context", "16");
        assertEquals(0, r2.code(), r2.err());
        assertFalse(new ObjectMapper().readTree(r2.out()).get("deadline_reached").asBoolean());
        assertArrayEquals(Files.readAllBytes(out.resolve("model.safetensors")), Files.readAllBytes(again.resolve("model.safetensors")));
        Path other = tmp.resolve("other");
        CliRun r3 = run("llm", "pretrain", "--corpus", corpus.toString(), "--out", other.toString(), "--seed", "2",
                "--steps", "6", "--hidden", "32", "--layers", "1", "--vocab", "300", "--context", "16");
        assertEquals(0, r3.code(), r3.err());
        assertFalse(Arrays.equals(Files.readAllBytes(out.resolve("model.safetensors")),
                Files.readAllBytes(other.resolve("model.safetensors"))));
    }
}
