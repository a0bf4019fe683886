package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;

/** {@code tandem llm check} on the fixtures, on a copy at an unseen path, and on a mismatching golden. */
class LlmCommandTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path HF = Fixtures.path("hf");

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void pickleWeightsAreRefusedInOneLineAsBadFiles(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hf"));
        Files.copy(HF.resolve("tiny-llama/config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        CliRun r = run("llm", "check", "--model", dir.toString(), "--golden", dir.resolve("config.json").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tandem: " + dir.resolve("pytorch_model.bin") + ": PyTorch pickle weights can run code when loaded and"
                + " are never read; convert the checkpoint to safetensors first (transformers: model.save_pretrained(OUT,"
                + " safe_serialization=True))\n", r.err().replace("\r", ""));
    }

    @Test
    void passesOnCopiedFixtureAndWithAdapter(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("somewhere/qwen-copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(HF.resolve("tiny-qwen2"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        CliRun r = run("llm", "check", "--model", copy.toString(), "--golden", copy.resolve("golden.json").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("pass").asBoolean());
        assertTrue(j.get("max_abs_last_logits").asDouble() <= 1e-4);

        CliRun lora = run("llm", "check", "--model", HF.resolve("tiny-llama").toString(),
                "--golden", HF.resolve("tiny-llama-lora/golden.json").toString(),
                "--adapter", HF.resolve("tiny-llama-lora").toString());
        assertEquals(0, lora.code(), lora.err());
    }

    @Test
    void mismatchExitsOneAndUsageErrorTwo() throws Exception {
        // The LoRA golden without the adapter: the checkpoint runs but its numbers differ.
        CliRun r = run("llm", "check", "--model", HF.resolve("tiny-llama").toString(),
                "--golden", HF.resolve("tiny-llama-lora/golden.json").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(false, new ObjectMapper().readTree(r.out()).get("pass").asBoolean());
        assertEquals(2, run("llm", "check", "--model", HF.resolve("tiny-llama").toString()).code());
        assertEquals(1, run("llm", "check", "--model", "/nonexistent", "--golden", "x.json").code(), "a missing file exits 1");
    }
}
