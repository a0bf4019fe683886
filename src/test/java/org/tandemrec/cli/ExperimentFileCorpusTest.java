package org.tandemrec.cli;

import static org.tandemrec.cli.HostileInput.USAGE;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;

/**
 * The experiment-file part of the malformed-input corpus: a small valid experiment of {@code
 * tandem run} with one problem at a time (not YAML, unknown keys, wrong types, values out of
 * range, unknown models and formats); each is refused as a usage error (exit 2) before anything is
 * written, naming the file and the key's path.
 */
class ExperimentFileCorpusTest {
    @TempDir
    static Path tmp;

    private static final String VALID = """
            name: corpus
            seed: 11
            dataset: {format: synthetic, users: 200, items: 300}
            splits:
              loo: {sampler: popularity}
            models:
              - {name: pop}
            """;

    private static DynamicTest bad(String name, String fileName, List<String> mentions, byte[] content) {
        String full = "experiment " + name;
        return refused(full, USAGE, () -> {
            Path dir = caseDirectory(tmp);
            Path f = Files.write(dir.resolve(fileName), content);
            Path out = dir.resolve("run");
            return Invocation.of(mentions, "run", f.toString(), "--out", out.toString()).withOut(out);
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicNode> experimentFiles() {
        List<DynamicTest> cases = new ArrayList<>();
        Map<String, String[]> edits = new LinkedHashMap<>();
        // name → {text to replace, replacement, what the message says: the key's path and the problem}
        edits.put("unknown top-level key", new String[] {"seed: 11", "seed: 11\nsede: 12",
            "sede: unknown key (known: [name, seed"});
        edits.put("seed as text", new String[] {"seed: 11", "seed: lucky", "seed: must be an integer, got \"lucky\""});
        edits.put("seed fractional", new String[] {"seed: 11", "seed: 1.5", "seed: must be an integer, got 1.5"});
        edits.put("name as a list", new String[] {"name: corpus", "name: [a, b]", "name: must be a string, got [\"a\",\"b\"]"});
        edits.put("dataset as text", new String[] {"dataset: {format: synthetic, users: 200, items: 300}", "dataset: synthetic",
            "dataset: must be a mapping, got \"synthetic\""});
        edits.put("unknown dataset format", new String[] {"format: synthetic", "format: parquet",
            "dataset.format: unknown data set format 'parquet'"});
        edits.put("unknown dataset key", new String[] {"items: 300}", "items: 300, colour: red}",
            "dataset.colour: unknown key of format synthetic"});
        edits.put("dataset users as text", new String[] {"users: 200", "users: many",
            "dataset.users: must be an integer, got \"many\""});
        edits.put("dataset users negative", new String[] {"users: 200", "users: -5", "dataset: users must be > 0, got -5"});
        edits.put("dataset users zero", new String[] {"users: 200", "users: 0", "dataset: users must be > 0, got 0"});
        edits.put("dataset users beyond int", new String[] {"users: 200", "users: 99999999999",
            "dataset.users: must be an integer, got 99999999999"});
        edits.put("splits as a list", new String[] {"splits:\n  loo: {sampler: popularity}", "splits: [loo]",
            "splits: must be a mapping, got [\"loo\"]"});
        edits.put("unknown sampler", new String[] {"sampler: popularity", "sampler: psychic",
            "splits.loo.sampler: must be one of uniform|popularity|text|mixed, got 'psychic'"});
        edits.put("unknown split key", new String[] {"sampler: popularity", "sampler: popularity, flavour: sweet",
            "splits.loo.flavour: unknown key (known: [protocol"});
        edits.put("unknown protocol", new String[] {"sampler: popularity", "protocol: backwards",
            "splits.loo.protocol: must be one of loo|time|random, got 'backwards'"});
        edits.put("negatives negative", new String[] {"sampler: popularity", "sampler: popularity, negatives: -1",
            "splits.loo.negatives: must be >= 1, got -1"});
        edits.put("models as a mapping", new String[] {"models:\n  - {name: pop}", "models: {name: pop}",
            "models: must be a non-empty list of models, got {\"name\":\"pop\"}"});
        edits.put("no models", new String[] {"models:\n  - {name: pop}", "models: []",
            "models: must be a non-empty list of models, got []"});
        edits.put("model without a name", new String[] {"{name: pop}", "{settings: {epochs: 1}}",
            "models[0].name: missing (known: [random, pop"});
        edits.put("unknown model", new String[] {"{name: pop}", "{name: gpt-17}", "models[0].name: unknown model 'gpt-17'"});
        edits.put("unknown model setting", new String[] {"{name: pop}", "{name: mf-bpr, settings: {lr: 0.1}}",
            "models[0].settings.lr: unknown setting (known: [batch_size"});
        edits.put("model epochs negative", new String[] {"{name: pop}", "{name: mf-bpr, settings: {epochs: -1}}",
            "models[0].settings.epochs: must be > 0, got -1"});
        edits.put("model epochs as text", new String[] {"{name: pop}", "{name: mf-bpr, settings: {epochs: two}}",
            "models[0].settings.epochs: must be an integer, got \"two\""});
        edits.put("model learning rate negative", new String[] {"{name: pop}",
            "{name: mf-bpr, settings: {learning_rate: -0.1}}", "must be > 0 and finite, got -0.1"});
        edits.put("model settings as a list", new String[] {"{name: pop}", "{name: mf-bpr, settings: [1]}",
            "models[0].settings: must be a mapping of settings, got [1]"});
        edits.put("model split unknown", new String[] {"{name: pop}", "{name: pop, split: elsewhere}",
            "models[0].split: unknown split 'elsewhere' (splits: [loo])"});
        for (Map.Entry<String, String[]> e : edits.entrySet()) {
            String[] r = e.getValue();
            if (!VALID.contains(r[0])) {
                throw new IllegalStateException("case " + e.getKey() + " edits nothing");
            }
            cases.add(bad(e.getKey(), "experiment.yaml", List.of("experiment.yaml", r[2]), utf8(VALID.replace(r[0], r[1]))));
        }
        cases.add(bad("not YAML", "experiment.yaml", List.of("experiment.yaml",
                "not valid YAML: while parsing a flow sequence"), utf8("models: [pop\n")));
        cases.add(bad("a tab indent", "experiment.yaml", List.of("experiment.yaml",
                "not valid YAML: while scanning for the next token"), utf8("models:\n\t- pop\n")));
        cases.add(bad("empty", "experiment.yaml", List.of("experiment.yaml",
                "empty: an experiment needs at least a dataset and models"), new byte[0]));
        cases.add(bad("a list", "experiment.yaml", List.of("experiment.yaml", "expected a mapping of settings"),
                utf8("- pop\n")));
        cases.add(bad("a duplicate key", "experiment.yaml", List.of("experiment.yaml",
                "not valid YAML: Duplicate field 'seed'"), utf8(VALID + "seed: 12\n")));
        cases.add(bad("invalid UTF-8", "experiment.yaml", List.of("experiment.yaml", "not UTF-8 text"),
                new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xc3, '(', '\n'}));
        cases.add(bad("broken JSON", "experiment.json", List.of("experiment.json", "not valid JSON: Unexpected end-of-input"),
                utf8("{\"name\": ")));
        return corpus("experiment files (tandem run)", cases);
    }
}
