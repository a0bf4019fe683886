package org.tandemrec.llm;

import static org.tandemrec.cli.HostileInput.DATA;
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
            Path dir = FixtureCheckpoint.copy(tmp.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + Integer.toHexString(name.hashCode())));
            Files.write(dir.resolve(file), bytes);
            return Invocation.of(mentions, FixtureCheckpoint.check(dir));
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Documents that are not a JSON object, shared by both files. */
    private static Map<String, byte[]> notJson() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("empty", new byte[0]);
        m.put("prose", utf8("a model config"));
        m.put("an open brace", utf8("{"));
        m.put("a list", utf8("[]"));
        m.put("null", utf8("null"));
        m.put("a number", utf8("42"));
        m.put("invalid UTF-8", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'});
        m.put("cut in half", null);
        return m;
    }

    @TestFactory
    Stream<DynamicNode> configJson() throws IOException {
        List<DynamicTest> cases = new ArrayList<>();
        String file = "config.json";
        byte[] text = Files.readAllBytes(FixtureCheckpoint.TINY.resolve(file));
        for (Map.Entry<String, byte[]> e : notJson().entrySet()) {
            byte[] b = e.getValue() == null ? java.util.Arrays.copyOf(text, text.length / 2) : e.getValue();
            cases.add(bad("config.json " + e.getKey(), file, List.of(file), b));
        }
        cases.add(bad("config.json with a duplicate field", file, List.of(file, "hidden_size"),
                utf8(config.toString().replaceFirst("\\{", "{\"hidden_size\":32,"))));
        Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        for (String f : List.of("model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
            "vocab_size")) {
            edits.put("without " + f + "|" + f, c -> c.remove(f));
        }
        edits.put("hidden_size as a string|hidden_size", c -> c.put("hidden_size", "64"));
        edits.put("hidden_size fractional|hidden_size", c -> c.put("hidden_size", 64.5));
        edits.put("hidden_size negative|hidden_size", c -> c.put("hidden_size", -64));
        edits.put("hidden_size zero|hidden_size", c -> c.put("hidden_size", 0));
        edits.put("hidden_size beyond int|hidden_size", c -> c.put("hidden_size", 1L << 31));
        edits.put("hidden_size huge|hidden_size", c -> c.put("hidden_size", Integer.MAX_VALUE));
        edits.put("hidden_size disagreeing with the weights|hidden_size", c -> c.put("hidden_size", 128));
        edits.put("num_hidden_layers true|num_hidden_layers", c -> c.put("num_hidden_layers", true));
        edits.put("num_hidden_layers huge|num_hidden_layers", c -> c.put("num_hidden_layers", Integer.MAX_VALUE));
        edits.put("num_hidden_layers negative|num_hidden_layers", c -> c.put("num_hidden_layers", -2));
        edits.put("num_hidden_layers more than the weights|num_hidden_layers", c -> c.put("num_hidden_layers", 3));
        edits.put("num_attention_heads zero|num_attention_heads", c -> c.put("num_attention_heads", 0));
        edits.put("num_key_value_heads not dividing the heads|num_key_value_heads", c -> c.put("num_key_value_heads", 3));
        edits.put("num_key_value_heads as a string|num_key_value_heads", c -> c.put("num_key_value_heads", "2"));
        edits.put("head_dim odd|head_dim", c -> c.put("head_dim", 15));
        edits.put("head_dim as a string|head_dim", c -> c.put("head_dim", "sixteen"));
        edits.put("head_dim huge|head_dim", c -> c.put("head_dim", 1 << 30));
        edits.put("intermediate_size huge|intermediate_size", c -> c.put("intermediate_size", Integer.MAX_VALUE));
        edits.put("intermediate_size as a list|intermediate_size", c -> c.putArray("intermediate_size").add(144));
        edits.put("vocab_size negative|vocab_size", c -> c.put("vocab_size", -1));
        edits.put("vocab_size one more than the weights|vocab_size", c -> c.put("vocab_size", 601));
        edits.put("vocab_size one less than the weights|vocab_size", c -> c.put("vocab_size", 599));
        edits.put("vocab_size huge|vocab_size", c -> c.put("vocab_size", Integer.MAX_VALUE));
        edits.put("vocab_size as a list|vocab_size", c -> c.putArray("vocab_size").add(600));
        edits.put("rms_norm_eps as a string|rms_norm_eps", c -> c.put("rms_norm_eps", "small"));
        edits.put("rms_norm_eps negative|rms_norm_eps", c -> c.put("rms_norm_eps", -1e-6));
        edits.put("rope_theta as a string|rope_theta", c -> c.put("rope_theta", "ten thousand"));
        edits.put("rope_theta negative|rope_theta", c -> c.put("rope_theta", -10000.0));
        edits.put("rope type yarn|rope", c -> ((ObjectNode) c.get("rope_parameters")).put("rope_type", "yarn"));
        edits.put("tie_word_embeddings as a string|tie_word_embeddings", c -> c.put("tie_word_embeddings", "no"));
        edits.put("max_position_embeddings negative|max_position_embeddings", c -> c.put("max_position_embeddings", -5));
        edits.put("eos_token_id as a string|eos_token_id", c -> c.put("eos_token_id", "</s>"));
        edits.put("model_type gpt2|model_type", c -> c.put("model_type", "gpt2"));
        edits.put("model_type bert|model_type", c -> c.put("model_type", "bert"));
        edits.put("model_type empty|model_type", c -> c.put("model_type", ""));
        edits.put("model_type as a number|model_type", c -> c.put("model_type", 7));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            String[] nameAndField = e.getKey().split("\\|");
            ObjectNode c = config.deepCopy();
            e.getValue().accept(c);
            cases.add(bad("config.json " + nameAndField[0], file, List.of(file.equals("config.json")
                    && nameAndField[0].contains("weights") ? "model.safetensors" : file, nameAndField[1].equals("hidden_size")
                    && nameAndField[0].contains("weights") ? "config.json" : nameAndField[1]), utf8(c.toString())));
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
            cases.add(bad("tokenizer.json " + e.getKey(), file, List.of(file), b));
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
