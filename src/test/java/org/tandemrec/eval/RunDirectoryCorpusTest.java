package org.tandemrec.eval;

import static org.tandemrec.cli.HostileInput.DATA;
import static org.tandemrec.cli.HostileInput.caseDirectory;
import static org.tandemrec.cli.HostileInput.corpus;
import static org.tandemrec.cli.HostileInput.refused;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.cli.HostileInput.Invocation;
import org.tandemrec.cli.Main;

/**
 * The run-directory part of the malformed-input corpus: a small valid CRM run (popularity on a
 * 60-user synthetic split, written by {@code tandem train crm}) with run.json or the model file
 * missing, swapped, truncated, of another format version or naming the wrong split; each scored
 * by {@code tandem eval}, which must refuse without writing metrics.json.
 */
class RunDirectoryCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path valid;

    @BeforeAll
    static void writeRun() {
        Path world = tmp.resolve("world");
        Path split = tmp.resolve("split");
        valid = tmp.resolve("valid-run");
        if (Main.run("data", "synth", "--out", world.toString(), "--users", "60", "--items", "80") != 0
                || Main.run("split", "--format", "tandem", world.toString(), "--out", split.toString(), "--sampler", "popularity") != 0
                || Main.run("train", "crm", "--model", "pop", "--data", split.toString(), "--out", valid.toString()) != 0) {
            throw new IllegalStateException("the valid run could not be written");
        }
    }

    @FunctionalInterface
    private interface RunEdit {
        void apply(Path run) throws IOException;
    }

    /** A copy of the valid run without its results, edited by {@code edit}, scored by eval. */
    private static DynamicTest bad(String name, List<String> mentions, RunEdit edit) {
        String full = "run directory " + name;
        return refused(full, DATA, () -> {
            Path run = caseDirectory(tmp);
            try (Stream<Path> files = Files.list(valid)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String n = f.getFileName().toString();
                    if (!n.equals(MetricsFile.FILE_NAME) && !n.equals(HtmlReport.FILE_NAME)) {
                        Files.copy(f, run.resolve(n));
                    }
                }
            }
            edit.apply(run);
            return Invocation.of(mentions, "eval", run.toString()).withOut(run);
        });
    }

    private static RunEdit runJson(Consumer<ObjectNode> edit) {
        return run -> {
            ObjectNode o = (ObjectNode) JSON.readTree(run.resolve("run.json").toFile());
            edit.accept(o);
            Files.writeString(run.resolve("run.json"), o.toPrettyString());
        };
    }

    @TestFactory
    Stream<DynamicNode> runDirectories() {
        List<DynamicTest> cases = new ArrayList<>();
        cases.add(bad("without run.json", List.of("run.json", "not a run directory: run.json is missing"),
                run -> Files.delete(run.resolve("run.json"))));
        cases.add(bad("without model.bin", List.of("model.bin", "cannot read model file"),
                run -> Files.delete(run.resolve("model.bin"))));
        cases.add(bad("run.json not JSON", List.of("run.json", "not valid JSON: Unexpected end-of-input"),
                run -> Files.writeString(run.resolve("run.json"), "{\"format\": ")));
        cases.add(bad("run.json a list", List.of("run.json", "expected a JSON object (format tandem-run)"),
                run -> Files.writeString(run.resolve("run.json"), "[]")));
        cases.add(bad("run.json empty", List.of("run.json", "expected a JSON object (format tandem-run)"),
                run -> Files.writeString(run.resolve("run.json"), "")));
        cases.add(bad("run.json of another format version", List.of("run.json",
                "field format/version: expected format tandem-run version 1, got tandem-run version 99"),
                runJson(o -> o.put("version", 99))));
        cases.add(bad("run.json of another format", List.of("run.json",
                "field format/version: expected format tandem-run version 1, got tandem-split version 1"),
                runJson(o -> o.put("format", "tandem-split"))));
        cases.add(bad("run.json naming a split that is not there", List.of("nowhere/manifest.json",
                "not a complete split directory: manifest.json is missing"),
                runJson(o -> o.put("split", tmp.resolve("nowhere").toString()))));
        cases.add(bad("run.json with split as a number", List.of("run.json",
                "field split must name the split directory, got 5"), runJson(o -> o.put("split", 5))));
        cases.add(bad("run.json without split", List.of("run.json",
                "field split must name the split directory, got no such field"), runJson(o -> o.remove("split"))));
        String notModel = "not a tandem-crm-model file";
        String truncated = "truncated: the file ends before the model is complete";
        cases.add(bad("model.bin empty", List.of("model.bin", notModel),
                run -> Files.write(run.resolve("model.bin"), new byte[0])));
        for (int keep : new int[] {1, 4, 8, 16, 64}) {
            cases.add(bad("model.bin truncated to " + keep + " bytes", List.of("model.bin",
                    keep < 64 ? notModel : truncated), run -> {
                byte[] b = Files.readAllBytes(run.resolve("model.bin"));
                Files.write(run.resolve("model.bin"), Arrays.copyOf(b, Math.min(keep, b.length - 1)));
            }));
        }
        cases.add(bad("model.bin truncated by one byte", List.of("model.bin", truncated), run -> {
            byte[] b = Files.readAllBytes(run.resolve("model.bin"));
            Files.write(run.resolve("model.bin"), Arrays.copyOf(b, b.length - 1));
        }));
        cases.add(bad("model.bin and run.json swapped", List.of("run.json", "not UTF-8 text (is it another file?)"), run -> {
            Path a = run.resolve("model.bin");
            Path b = run.resolve("run.json");
            Path x = run.resolve("x");
            Files.move(a, x);
            Files.move(b, a);
            Files.move(x, b);
        }));
        cases.add(bad("model.bin of random bytes", List.of("model.bin", notModel), run -> {
            byte[] b = new byte[4096];
            new java.util.Random(7).nextBytes(b);
            Files.write(run.resolve("model.bin"), b);
        }));
        cases.add(bad("model.bin a directory", List.of("model.bin", notModel), run -> {
            Files.delete(run.resolve("model.bin"));
            Files.createDirectory(run.resolve("model.bin"));
        }));
        return corpus("run directories (tandem eval)", cases);
    }
}
