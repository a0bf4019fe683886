package org.tandemrec.base;

import static org.tandemrec.cli.HostileInput.USAGE;
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
            Path dir = Files.createDirectories(tmp.resolve(full.replaceAll("[^A-Za-z0-9]+", "-") + "-"
                    + Integer.toHexString(full.hashCode())));
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

    /** Values by key that each settings record must refuse, with the key the message must name. */
    private static Map<String, String> values(String command) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unknown key", "learning_rat: 0.1");
        switch (command) {
            case "bdlm" -> {
                m.put("history_items zero", "history_items: 0");
                m.put("history_items as text", "history_items: many");
                m.put("rounds negative", "rounds: -1");
                m.put("lambda as text", "lambda: big");
                m.put("crm_epochs fractional", "crm_epochs: 1.5");
                m.put("eval_users negative", "eval_users: -3");
                m.put("drs_batch_size beyond int", "drs_batch_size: 99999999999");
                m.put("seed as text", "seed: lucky");
                m.put("ablations as a number", "ablations: 3");
            }
            case "corella" -> {
                m.put("joint_samples zero", "joint_samples: 0");
                m.put("llm_samples negative", "llm_samples: -10");
                m.put("shared_dim as text", "shared_dim: wide");
                m.put("history_items zero", "history_items: 0");
                m.put("crm_epochs negative", "crm_epochs: -1");
                m.put("valid_rows zero", "valid_rows: 0");
                m.put("gamma as a list", "gamma: [0.1]");
                m.put("seed fractional", "seed: 1.5");
                m.put("align_normalize as a number", "align_normalize: 2");
            }
            default -> {
                m.put("max_batch zero", "max_batch: 0");
                m.put("max_wait_ms negative", "max_wait_ms: -1");
                m.put("max_llm_share above one", "max_llm_share: 2");
                m.put("threads as text", "threads: many");
                m.put("max_body_bytes negative", "max_body_bytes: -1");
                m.put("max_items beyond int", "max_items: 99999999999");
                m.put("llm_queue fractional", "llm_queue: 2.5");
                m.put("drain_seconds as a list", "drain_seconds: [1]");
            }
        }
        return m;
    }

    @TestFactory
    Stream<DynamicNode> settingsFiles() {
        List<DynamicNode> all = new ArrayList<>();
        for (String command : List.of("bdlm", "corella", "serve")) {
            List<DynamicTest> cases = new ArrayList<>();
            for (Map.Entry<String, String> e : values(command).entrySet()) {
                String key = e.getValue().substring(0, e.getValue().indexOf(':'));
                cases.add(bad(command, e.getKey(), "settings.yaml", List.of("settings.yaml", key), utf8(e.getValue() + "\n")));
            }
            cases.add(bad(command, "not YAML", "settings.yaml", List.of("settings.yaml"), utf8("a: [1, 2\n")));
            cases.add(bad(command, "a list", "settings.yaml", List.of("settings.yaml"), utf8("- 1\n- 2\n")));
            cases.add(bad(command, "a tab indent", "settings.yaml", List.of("settings.yaml"), utf8("a:\n\t- 1\n")));
            cases.add(bad(command, "a duplicate key", "settings.yaml", List.of("settings.yaml", "seed"),
                    utf8("seed: 1\nseed: 2\n")));
            cases.add(bad(command, "invalid UTF-8", "settings.yaml", List.of("settings.yaml"),
                    new byte[] {'s', 'e', 'e', 'd', ':', ' ', (byte) 0xff, '\n'}));
            cases.add(bad(command, "broken JSON", "settings.json", List.of("settings.json"), utf8("{\"seed\": }")));
            cases.add(bad(command, "a JSON string", "settings.json", List.of("settings.json"), utf8("\"seed\"")));
            all.addAll(corpus(command + " --config settings", cases).toList());
        }
        return all.stream();
    }
}
