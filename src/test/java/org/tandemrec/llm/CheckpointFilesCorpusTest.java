package org.tandemrec.llm;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;

/**
 * The config.json and tokenizer.json part of the malformed-input corpus: the tiny fixture's files
 * broken (not JSON, fields missing or of the wrong type, sizes huge, negative or disagreeing with
 * the weights, unknown model types, a tokenizer without a model), each run through {@code tandem
 * llm check}.
 */
class CheckpointFilesCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ObjectNode config;
    private static ObjectNode tokenizer;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void readFixture() throws IOException {
        org.tandemrec.llm.decoder.TorchThreads.set(1);
        config = (ObjectNode) JSON.readTree(FixtureCheckpoint.TINY.resolve("config.json").toFile());
        tokenizer = (ObjectNode) JSON.readTree(FixtureCheckpoint.TINY.resolve("tokenizer.json").toFile());
    }

    private static DynamicTest bad(String name, String file, List<String> mentions, byte[] bytes) {
        return refused(name, DATA, () -> {
            Path dir = FixtureCheckpoint.copy(caseDirectory(tmp));
            Files.write(dir.resolve(file), bytes);
            return Invocation.of(mentions, FixtureCheckpoint.check(dir));
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Documents that are not a JSON object, shared by both files, by name|what the refusal says of them. */
    private static Map<String, byte[]> notJson() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("empty|expected a JSON object", new byte[0]);
        m.put("prose|not valid JSON: Unrecognized token 'a'", utf8("a model config"));
        m.put("an open brace|not valid JSON: Unexpected end-of-input", utf8("{"));
        m.put("a list|expected a JSON object", utf8("[]"));
        m.put("null|expected a JSON object", utf8("null"));
        m.put("a number|expected a JSON object", utf8("42"));
        m.put("invalid UTF-8|UTF-8", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'});
        m.put("cut in half|not valid JSON: Unexpected end-of-input", null);
        return m;
    }

    @TestFactory
    Stream<DynamicNode> configJson() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        String file = "config.json";
        byte[] text = Files.readAllBytes(FixtureCheckpoint.TINY.resolve(file));
        for (Map.Entry<String, byte[]> e : notJson().entrySet()) {
            byte[] b = e.getValue() == null ? java.util.Arrays.copyOf(text, text.length / 2) : e.getValue();
            String[] nameAndProblem = e.getKey().split("\\|");
            cases.add(bad("config.json " + nameAndProblem[0], file, List.of(file, nameAndProblem[1]), b));
        }
        cases.add(bad("config.json with a duplicate field", file, List.of(file, "Duplicate field 'hidden_size'"),
                utf8(config.toString().replaceFirst("\\{", "{\"hidden_size\":32,"))));
        // name|file the message names|what it must say of the problem
        Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        for (String f : List.of("model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "vocab_size")) {
            edits.put("without " + f + "|" + file + "|field " + f + " is missing", c -> c.remove(f));
        }
        String weights = "model.safetensors";
        edits.put("hidden_size as a string|" + file + "|field hidden_size must be an integer, got \"64\"",
                c -> c.put("hidden_size", "64"));
        edits.put("hidden_size fractional|" + file + "|field hidden_size must be an integer, got 64.5",
                c -> c.put("hidden_size", 64.5));
        edits.put("hidden_size negative|" + file + "|hidden_size must be > 0, got -64", c -> c.put("hidden_size", -64));
        edits.put("hidden_size zero|" + file + "|hidden_size must be > 0, got 0", c -> c.put("hidden_size", 0));
        edits.put("hidden_size beyond int|" + file + "|field hidden_size must be an integer, got 2147483648",
                c -> c.put("hidden_size", 1L << 31));
        edits.put("hidden_size huge|" + weights + "|but config.json implies [600, 2147483647] from its vocab_size, hidden_size",
                c -> c.put("hidden_size", Integer.MAX_VALUE));
        edits.put("hidden_size disagreeing with the weights|" + weights + "|tensor model.embed_tokens.weight has shape"
                + " [600, 64] but config.json implies [600, 128]", c -> c.put("hidden_size", 128));
        edits.put("num_hidden_layers true|" + file + "|field num_hidden_layers must be an integer, got true",
                c -> c.put("num_hidden_layers", true));
        edits.put("num_hidden_layers huge|" + weights + "|missing tensor model.layers.2.input_layernorm.weight that"
                + " config.json implies (num_hidden_layers 2147483647)", c -> c.put("num_hidden_layers", Integer.MAX_VALUE));
        edits.put("num_hidden_layers negative|" + file + "|num_hidden_layers must be > 0, got -2",
                c -> c.put("num_hidden_layers", -2));
        edits.put("num_hidden_layers more than the weights|" + weights + "|missing tensor model.layers.2.input_layernorm.weight"
                + " that config.json implies (num_hidden_layers 3)", c -> c.put("num_hidden_layers", 3));
        edits.put("num_attention_heads zero|" + file + "|num_attention_heads must be > 0, got 0",
                c -> c.put("num_attention_heads", 0));
        edits.put("num_key_value_heads not dividing the heads|" + file + "|num_attention_heads (4) must be a multiple of"
                + " num_key_value_heads (3)", c -> c.put("num_key_value_heads", 3));
        edits.put("num_key_value_heads as a string|" + file + "|field num_key_value_heads must be an integer, got \"2\"",
                c -> c.put("num_key_value_heads", "2"));
        edits.put("head_dim odd|" + file + "|head_dim must be even for rotary embeddings, got 15", c -> c.put("head_dim", 15));
        edits.put("head_dim as a string|" + file + "|field head_dim must be an integer, got \"sixteen\"",
                c -> c.put("head_dim", "sixteen"));
        edits.put("head_dim huge|" + file + "|num_attention_heads × head_dim (4 × 1073741824) is too large",
                c -> c.put("head_dim", 1 << 30));
        edits.put("intermediate_size huge|" + weights + "|but config.json implies [2147483647, 64] from its"
                + " intermediate_size, hidden_size", c -> c.put("intermediate_size", Integer.MAX_VALUE));
        edits.put("intermediate_size as a list|" + file + "|field intermediate_size must be an integer, got [144]",
                c -> c.putArray("intermediate_size").add(144));
        edits.put("vocab_size negative|" + file + "|vocab_size must be > 0, got -1", c -> c.put("vocab_size", -1));
        edits.put("vocab_size one more than the weights|" + weights + "|but config.json implies [601, 64] from its vocab_size",
                c -> c.put("vocab_size", 601));
        edits.put("vocab_size one less than the weights|" + weights + "|but config.json implies [599, 64] from its vocab_size",
                c -> c.put("vocab_size", 599));
        edits.put("vocab_size huge|" + weights + "|but config.json implies [2147483647, 64] from its vocab_size",
                c -> c.put("vocab_size", Integer.MAX_VALUE));
        edits.put("vocab_size as a list|" + file + "|field vocab_size must be an integer, got [600]",
                c -> c.putArray("vocab_size").add(600));
        edits.put("rms_norm_eps as a string|" + file + "|field rms_norm_eps must be a number, got \"small\"",
                c -> c.put("rms_norm_eps", "small"));
        edits.put("rms_norm_eps negative|" + file + "|rms_norm_eps must be > 0, got -1.0E-6", c -> c.put("rms_norm_eps", -1e-6));
        edits.put("rope_theta as a string|" + file + "|field rope_theta must be a number, got \"ten thousand\"",
                c -> c.put("rope_theta", "ten thousand"));
        edits.put("rope_theta negative|" + file + "|field rope_theta must be a finite number > 0, got -10000.0",
                c -> c.put("rope_theta", -10000.0));
        edits.put("rope type yarn|" + file + "|rope scaling type 'yarn' is not supported (supported: default, linear, llama3)",
                c -> ((ObjectNode) c.get("rope_parameters")).put("rope_type", "yarn"));
        edits.put("tie_word_embeddings as a string|" + file + "|field tie_word_embeddings must be true or false, got \"no\"",
                c -> c.put("tie_word_embeddings", "no"));
        edits.put("max_position_embeddings negative|" + file + "|max_position_embeddings must be > 0, got -5",
                c -> c.put("max_position_embeddings", -5));
        edits.put("eos_token_id as a string|" + file + "|field eos_token_id must be a token id or a list of them, got \"</s>\"",
                c -> c.put("eos_token_id", "</s>"));
        edits.put("model_type gpt2|" + file + "|model_type 'gpt2' is not supported (supported: llama, mistral, qwen2)",
                c -> c.put("model_type", "gpt2"));
        edits.put("model_type bert|" + file + "|model_type 'bert' is not supported", c -> c.put("model_type", "bert"));
        edits.put("model_type empty|" + file + "|model_type '' is not supported (supported: llama, mistral, qwen2)",
                c -> c.put("model_type", ""));
        edits.put("model_type as a number|" + file + "|field model_type must be a string, got 7", c -> c.put("model_type", 7));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            String[] nameFileProblem = e.getKey().split("\\|");
            ObjectNode c = config.deepCopy();
            e.getValue().accept(c);
            cases.add(bad("config.json " + nameFileProblem[0], file, List.of(nameFileProblem[1], nameFileProblem[2]),
                    utf8(c.toString())));
        }
        return corpus("config.json", cases);
    }

    @TestFactory
    Stream<DynamicNode> tokenizerJson() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        String file = "tokenizer.json";
        byte[] text = Files.readAllBytes(FixtureCheckpoint.TINY.resolve(file));
        for (Map.Entry<String, byte[]> e : notJson().entrySet()) {
            byte[] b = e.getValue() == null ? java.util.Arrays.copyOf(text, text.length / 2) : e.getValue();
            String[] nameAndProblem = e.getKey().split("\\|");
            cases.add(bad("tokenizer.json " + nameAndProblem[0], file, List.of(file, nameAndProblem[1]), b));
        }
        Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        // name|what the refusal says of the problem
        String noModel = "field model must be an object (the tokenizer's vocabulary and merges), got ";
        edits.put("an empty object|" + noModel + "none", t -> t.removeAll());
        edits.put("without model|" + noModel + "none", t -> t.remove("model"));
        edits.put("with model a string|" + noModel + "string", t -> t.put("model", "BPE"));
        edits.put("with an unknown model type|field model.type: unknown tokenizer model \"Quantum\"",
                t -> ((ObjectNode) t.get("model")).put("type", "Quantum"));
        edits.put("with the vocabulary a number|invalid type: integer `5`, expected a map at line 1 column",
                t -> ((ObjectNode) t.get("model")).put("vocab", 5));
        edits.put("with merges a string|field model.merges must be a list of merges, got \"a b\"",
                t -> ((ObjectNode) t.get("model")).put("merges", "a b"));
        edits.put("with added_tokens an object|field added_tokens must be a list", t -> t.putObject("added_tokens"));
        edits.put("with an added token id as a string|added_tokens entry {\"id\":\"0\",",
                t -> ((ObjectNode) t.get("added_tokens").get(0)).put("id", "0"));
        edits.put("with a negative added token id|needs a string content and an id >= 0",
                t -> ((ObjectNode) t.get("added_tokens").get(0)).put("id", -1));
        edits.put("with an unknown pre_tokenizer|field pre_tokenizer.type: unknown pre-tokenizer \"Shredder\"",
                t -> ((ObjectNode) t.get("pre_tokenizer")).put("type", "Shredder"));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            String[] nameAndProblem = e.getKey().split("\\|");
            ObjectNode t = tokenizer.deepCopy();
            e.getValue().accept(t);
            cases.add(bad("tokenizer.json " + nameAndProblem[0], file, List.of(file, nameAndProblem[1]), utf8(t.toString())));
        }
        return corpus("tokenizer.json", cases);
    }
}
