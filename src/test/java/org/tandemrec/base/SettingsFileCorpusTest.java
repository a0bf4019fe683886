package org.tandemrec.base;

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
 * The settings-file part of the malformed-input corpus: {@code --config} files of {@code bdlm},
 * {@code corella} and {@code serve} that are not YAML or JSON, hold unknown keys, values of the
 * wrong type or out of range. Settings are read before anything else runs, so the data and model
 * paths may name nothing; each refusal is a usage error (exit 2) naming the file and the key.
 */
class SettingsFileCorpusTest {
    @TempDir
    static Path tmp;

    private static DynamicTest bad(String command, String name, String fileName, List<String> mentions, byte[] content) {
        String full = command + " settings " + name;
        return refused(full, USAGE, () -> {
            Path dir = caseDirectory(tmp);
            Path f = Files.write(dir.resolve(fileName), content);
            Path out = dir.resolve("out");
            List<String> args = switch (command) {
                case "serve" -> List.of("serve", dir.resolve("run").toString(), "--config", f.toString());
                default -> List.of(command, "--data", dir.resolve("split").toString(), "--llm", dir.resolve("llm").toString(),
                        "--out", out.toString(), "--config", f.toString());
            };
            Invocation inv = new Invocation(args, mentions, null);
            return command.equals("serve") ? inv : inv.withOut(out);
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Lines each settings record must refuse, by case name: the YAML line, then what the refusal
     * says (the key and the problem).
     */
    private static Map<String, String[]> values(String command) {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("unknown key", new String[] {"learning_rat: 0.1", "unknown setting 'learning_rat' (known: ["});
        switch (command) {
            case "bdlm" -> {
                m.put("history_items zero", new String[] {"history_items: 0", "history_items must be > 0, got 0"});
                m.put("history_items as text", new String[] {"history_items: many",
                        "history_items must be an integer, got \"many\""});
                m.put("rounds negative", new String[] {"rounds: -1", "rounds must be > 0, got -1"});
                m.put("lambda as text", new String[] {"lambda: big", "lambda must be a number, got \"big\""});
                m.put("crm_epochs fractional", new String[] {"crm_epochs: 1.5", "crm_epochs must be an integer, got 1.5"});
                m.put("eval_users negative", new String[] {"eval_users: -3", "eval_users must be >= 0, got -3"});
                m.put("drs_batch_size beyond int", new String[] {"drs_batch_size: 99999999999",
                    "drs_batch_size must be an integer, got 99999999999"});
                m.put("seed as text", new String[] {"seed: lucky", "seed must be an integer, got \"lucky\""});
                m.put("ablations as a number", new String[] {"ablations: 3", "ablations must be true or false, got 3"});
            }
            case "corella" -> {
                m.put("joint_samples zero", new String[] {"joint_samples: 0", "joint_samples must be > 0, got 0"});
                m.put("llm_samples negative", new String[] {"llm_samples: -10", "llm_samples must be > 0, got -10"});
                m.put("shared_dim as text", new String[] {"shared_dim: wide", "shared_dim must be an integer, got \"wide\""});
                m.put("history_items zero", new String[] {"history_items: 0", "history_items must be > 0, got 0"});
                m.put("crm_epochs negative", new String[] {"crm_epochs: -1", "crm_epochs must be >= 0, got -1"});
                m.put("valid_rows zero", new String[] {"valid_rows: 0", "valid_rows must be > 0, got 0"});
                m.put("gamma as a list", new String[] {"gamma: [0.1]", "gamma must be a number, got [0.1]"});
                m.put("seed fractional", new String[] {"seed: 1.5", "seed must be an integer, got 1.5"});
                m.put("align_normalize as a number", new String[] {"align_normalize: 2",
                        "align_normalize must be true or false, got 2"});
            }
            default -> {
                m.put("max_batch zero", new String[] {"max_batch: 0", "max_batch must be > 0, got 0"});
                m.put("max_wait_ms negative", new String[] {"max_wait_ms: -1", "max_wait_ms must be >= 0, got -1"});
                m.put("max_llm_share above one", new String[] {"max_llm_share: 2",
                        "max_llm_share must be in [0, 1], or -1 for the run's budget, got 2.0"});
                m.put("threads as text", new String[] {"threads: many", "threads must be an integer, got \"many\""});
                m.put("max_body_bytes negative", new String[] {"max_body_bytes: -1", "max_body_bytes must be > 0, got -1"});
                m.put("max_items beyond int", new String[] {"max_items: 99999999999",
                        "max_items must be an integer, got 99999999999"});
                m.put("llm_queue fractional", new String[] {"llm_queue: 2.5", "llm_queue must be an integer, got 2.5"});
                m.put("drain_seconds as a list", new String[] {"drain_seconds: [1]",
                        "drain_seconds must be an integer, got [1]"});
            }
        }
        return m;
    }

    @TestFactory
    Stream<DynamicNode> settingsFiles() {
        List<DynamicNode> all = new ArrayList<>();
        for (String command : List.of("bdlm", "corella", "serve")) {
            List<DynamicTest> cases = new ArrayList<>();
            for (Map.Entry<String, String[]> e : values(command).entrySet()) {
                cases.add(bad(command, e.getKey(), "settings.yaml", List.of("settings.yaml", e.getValue()[1]),
                        utf8(e.getValue()[0] + "\n")));
            }
            cases.add(bad(command, "not YAML", "settings.yaml", List.of("settings.yaml",
                    "not valid YAML: while parsing a flow sequence"), utf8("a: [1, 2\n")));
            cases.add(bad(command, "a list", "settings.yaml", List.of("settings.yaml", "expected a mapping of settings"),
                    utf8("- 1\n- 2\n")));
            cases.add(bad(command, "a tab indent", "settings.yaml", List.of("settings.yaml",
                    "not valid YAML: while scanning for the next token"), utf8("a:\n\t- 1\n")));
            cases.add(bad(command, "a duplicate key", "settings.yaml", List.of("settings.yaml",
                    "not valid YAML: Duplicate field 'seed'"),
                    utf8("seed: 1\nseed: 2\n")));
            cases.add(bad(command, "invalid UTF-8", "settings.yaml", List.of("settings.yaml", "not UTF-8 text"),
                    new byte[] {'s', 'e', 'e', 'd', ':', ' ', (byte) 0xff, '\n'}));
            cases.add(bad(command, "broken JSON", "settings.json", List.of("settings.json",
                    "not valid JSON: Unexpected character"), utf8("{\"seed\": }")));
            cases.add(bad(command, "a JSON string", "settings.json", List.of("settings.json",
                    "expected a mapping of settings"), utf8("\"seed\"")));
            all.addAll(corpus(command + " --config settings", cases).toList());
        }
        return all.stream();
    }
}
