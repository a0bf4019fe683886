package org.tandemrec.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tandemrec.Fixtures;

/**
 * A copy of the tiny Llama fixture checkpoint in a directory of its own, for tests that replace
 * one of its files with a malformed one, and the {@code tandem llm check} command line that loads it.
 */
public final class FixtureCheckpoint {
    public static final Path TINY = Fixtures.path("hf/tiny-llama");
    public static final Path ADAPTER = Fixtures.path("hf/tiny-llama-lora");
    private static final List<String> FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "model.safetensors");

    private FixtureCheckpoint() {
    }

    /** Copies the fixture's config, tokenizer and weights into {@code dir} (created). */
    public static Path copy(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FILES) {
            Files.copy(TINY.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** Copies the fixture's PEFT adapter into {@code dir} (created). */
    public static Path copyAdapter(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
            Files.copy(ADAPTER.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** {@code llm check} of {@code model} against the fixture's golden file. */
    public static String[] check(Path model) {
        return new String[] {"llm", "check", "--model", model.toString(), "--golden", TINY.resolve("golden.json").toString()};
    }

    /** {@code llm check} of the fixture with the adapter in {@code adapter}. */
    public static String[] checkAdapter(Path adapter) {
        return new String[] {"llm", "check", "--model", TINY.toString(), "--golden",
            ADAPTER.resolve("golden.json").toString(), "--adapter", adapter.toString()};
    }
}
