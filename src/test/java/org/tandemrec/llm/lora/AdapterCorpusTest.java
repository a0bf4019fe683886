package org.tandemrec.llm.lora;

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
import org.tandemrec.cli.HostileInput;
import org.tandemrec.llm.FixtureCheckpoint;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.safetensors.SafetensorsWriter;

/**
 * The PEFT adapter part of the malformed-input corpus: the fixture adapter's adapter_config.json
 * and adapter_model.safetensors broken (not JSON, wrong types, ranks and shapes that disagree,
 * unsupported PEFT variants, NaN and infinite weights, tensors for modules the base lacks), each
 * run through {@code tandem llm check --adapter}.
 */
class AdapterCorpusTest {
    private static final String CONFIG = "adapter_config.json";
    private static final String WEIGHTS = "adapter_model.safetensors";
    private static final String A0 = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    private static final String B0 = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
    private static ObjectNode config;
    private static Map<String, SafetensorsWriter.Tensor> tensors;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void readFixture() throws IOException {
        org.tandemrec.llm.decoder.TorchThreads.set(1);
        config = (ObjectNode) new ObjectMapper().readTree(FixtureCheckpoint.ADAPTER.resolve(CONFIG).toFile());
        tensors = new LinkedHashMap<>();
        SafetensorsReader r = SafetensorsReader.open(FixtureCheckpoint.ADAPTER.resolve(WEIGHTS));
        for (String n : r.names()) {
            tensors.put(n, new SafetensorsWriter.Tensor(r.tensor(n).shape(), r.tensor(n).toFloatArray()));
        }
    }

    private static DynamicTest badConfig(String name, List<String> mentions, byte[] bytes) {
        return refused(name, DATA, () -> {
            Path dir = FixtureCheckpoint.copyAdapter(HostileInput.caseDirectory(tmp).resolve("adapter"));
            Files.write(dir.resolve(CONFIG), bytes);
            return Invocation.of(mentions, FixtureCheckpoint.checkAdapter(dir));
        });
    }

    private static DynamicTest badWeights(String name, List<String> mentions, Consumer<Map<String, SafetensorsWriter.Tensor>> edit) {
        return refused(name, DATA, () -> {
            Path dir = FixtureCheckpoint.copyAdapter(HostileInput.caseDirectory(tmp).resolve("adapter"));
            Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
            tensors.forEach((k, v) -> t.put(k, new SafetensorsWriter.Tensor(v.shape(), v.values().clone())));
            edit.accept(t);
            SafetensorsWriter.write(dir.resolve(WEIGHTS), t, Map.of());
            return Invocation.of(mentions, FixtureCheckpoint.checkAdapter(dir));
        });
    }

    @TestFactory
    Stream<DynamicNode> adapterConfig() {
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("empty", "");
        texts.put("prose", "rank four");
        texts.put("an open brace", "{");
        texts.put("a list", "[]");
        texts.put("null", "null");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            cases.add(badConfig("adapter_config.json " + e.getKey(), List.of(CONFIG),
                    e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put("without r|r", c -> c.remove("r"));
        edits.put("r zero|r", c -> c.put("r", 0));
        edits.put("r negative|r", c -> c.put("r", -4));
        edits.put("r as a string|r", c -> c.put("r", "4"));
        edits.put("r fractional|r", c -> c.put("r", 4.5));
        edits.put("r disagreeing with the tensors|" + A0, c -> c.put("r", 8));
        edits.put("lora_alpha as a string|lora_alpha", c -> c.put("lora_alpha", "eight"));
        edits.put("lora_alpha negative|alpha", c -> c.put("lora_alpha", -8));
        edits.put("lora_dropout of one|dropout", c -> c.put("lora_dropout", 1.0));
        edits.put("peft_type IA3|peft_type", c -> c.put("peft_type", "IA3"));
        edits.put("peft_type as a number|peft_type", c -> c.put("peft_type", 3));
        edits.put("use_dora|DoRA", c -> c.put("use_dora", true));
        edits.put("fan_in_fan_out|fan_in_fan_out", c -> c.put("fan_in_fan_out", true));
        edits.put("bias all|bias", c -> c.put("bias", "all"));
        edits.put("a rank_pattern|rank_pattern", c -> c.putObject("rank_pattern").put("q_proj", 8));
        edits.put("target_modules a number|target_modules", c -> c.put("target_modules", 5));
        edits.put("target_modules of numbers|target_modules", c -> c.putArray("target_modules").add(1).add(2));
        for (Map.Entry<String, Consumer<ObjectNode>> e : edits.entrySet()) {
            String[] nf = e.getKey().split("\\|");
            ObjectNode c = config.deepCopy();
            e.getValue().accept(c);
            List<String> mentions = nf[1].equals(A0) ? List.of(WEIGHTS, A0) : List.of(CONFIG, nf[1]);
            cases.add(badConfig("adapter_config.json " + nf[0], mentions, c.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return corpus("adapter_config.json", cases);
    }

    @TestFactory
    Stream<DynamicNode> adapterWeights() {
        List<DynamicTest> cases = new ArrayList<>();
        cases.add(badWeights("adapter weights with NaN", List.of(WEIGHTS, A0), t -> t.get(A0).values()[3] = Float.NaN));
        cases.add(badWeights("adapter weights with +Inf", List.of(WEIGHTS, B0), t -> t.get(B0).values()[0] = Float.POSITIVE_INFINITY));
        cases.add(badWeights("adapter weights with -Inf", List.of(WEIGHTS, A0),
                t -> t.get(A0).values()[t.get(A0).values().length - 1] = Float.NEGATIVE_INFINITY));
        cases.add(badWeights("adapter without a B matrix", List.of(WEIGHTS, A0), t -> t.remove(B0)));
        cases.add(badWeights("adapter with a tensor that is not LoRA", List.of(WEIGHTS, "base_model.model.model.norm.weight"),
                t -> t.put("base_model.model.model.norm.weight", new SafetensorsWriter.Tensor(new long[] {64}, new float[64]))));
        cases.add(badWeights("adapter for a layer the base lacks", List.of(WEIGHTS, "layers.7"), t -> {
            t.put(A0.replace("layers.0", "layers.7"), t.remove(A0));
            t.put(B0.replace("layers.0", "layers.7"), t.remove(B0));
        }));
        cases.add(badWeights("adapter with a transposed A", List.of(WEIGHTS, A0),
                t -> t.put(A0, new SafetensorsWriter.Tensor(new long[] {64, 4}, t.get(A0).values()))));
        cases.add(badWeights("adapter with a wrong prefix", List.of(WEIGHTS, "model.layers.0"), t -> {
            t.put(A0.replace("base_model.model.", ""), t.remove(A0));
        }));
        cases.add(badWeights("adapter without tensors", List.of(WEIGHTS), Map::clear));
        cases.add(refused("adapter without its weights file", DATA, () -> {
            Path dir = FixtureCheckpoint.copyAdapter(HostileInput.caseDirectory(tmp).resolve("adapter"));
            Files.delete(dir.resolve(WEIGHTS));
            return Invocation.of(List.of(WEIGHTS), FixtureCheckpoint.checkAdapter(dir));
        }));
        cases.add(refused("adapter weights truncated", DATA, () -> {
            Path dir = FixtureCheckpoint.copyAdapter(HostileInput.caseDirectory(tmp).resolve("adapter"));
            byte[] b = Files.readAllBytes(dir.resolve(WEIGHTS));
            Files.write(dir.resolve(WEIGHTS), java.util.Arrays.copyOf(b, b.length - 100));
            return Invocation.of(List.of(WEIGHTS), FixtureCheckpoint.checkAdapter(dir));
        }));
        cases.add(refused("adapter without its config", DATA, () -> {
            Path dir = FixtureCheckpoint.copyAdapter(HostileInput.caseDirectory(tmp).resolve("adapter"));
            Files.delete(dir.resolve(CONFIG));
            return Invocation.of(List.of(CONFIG), FixtureCheckpoint.checkAdapter(dir));
        }));
        return corpus("adapter_model.safetensors", cases);
    }
}
