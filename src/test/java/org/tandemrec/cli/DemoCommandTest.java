package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;
import picocli.CommandLine;

class DemoCommandTest {
    /** A subset that keeps the test fast; every model also has its own tests. */
    private static final List<String> MODELS = List.of("random", "pop", "mf-bpr", "lightgcn", "dcnv2");

    @TempDir
    Path tmp;

    @Test
    void smallDemoWritesEveryModelsMetricsAndTheReport() throws Exception {
        Path run = tmp.resolve("demo");
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("demo", "--out", run.toString(), "--users", "400", "--items", "300",
                "--epochs-scale", "0.1", "--llm-steps", "3", "--bdlm-positions", "10", "--bdlm-users", "8", "--corella-samples", "8", "--corella-rows", "40",
                "--models", String.join(",", MODELS));
        assertEquals(0, code, out.toString());
        assertFalse(Files.exists(tmp.resolve(".demo.partial")), "partial run published");
        assertTrue(Files.isRegularFile(run.resolve("COMPLETE")), "the published run carries its completion marker");
        RunResults r = MetricsFile.read(run.resolve("metrics.json"));
        Set<String> keys = r.results().stream().filter(m -> m.segment().equals("all"))
                .map(m -> m.task() + "/" + m.model()).collect(Collectors.toSet());
        for (String model : List.of("random", "pop", "mf-bpr", "lightgcn")) {
            assertTrue(keys.contains("topk/" + model), "top-K result of " + model + " in " + keys);
            assertTrue(keys.contains("interaction/" + model), "interaction result of " + model);
        }
        for (String model : List.of("random", "pop", "dcnv2")) {
            assertTrue(keys.contains("ctr/" + model), "CTR result of " + model);
        }
        assertTrue(Files.exists(run.resolve("llm/config.json")), "small LLM saved in HF layout");
        for (String model : List.of("bdlm-llm", "bdlm-drs", "llm-rec", "gpt4sm", "instructrec", "bdlm-llm-no-et")) {
            assertTrue(keys.contains("topk/" + model), "BDLM's comparison holds " + model + ": " + keys);
        }
        for (String model : List.of("corella", "corella-no-mix", "corella-llm", "tallrec")) {
            assertTrue(keys.contains("ctr/" + model), "CoReLLa's comparison holds " + model + ": " + keys);
        }
        assertTrue(r.results().stream().anyMatch(m -> m.model().equals("corella") && m.segment().startsWith("route@")),
                "routing curve");
        // the exposure oracle of the leave-one-out split ranks the held-out item far above chance
        MetricRecord topOracle = r.results().stream()
                .filter(m -> m.task().equals("topk") && m.model().equals("oracle") && m.segment().equals("all"))
                .findFirst().orElseThrow();
        assertTrue(topOracle.get("hr@1") > 0.2, "oracle HR@1 " + topOracle.get("hr@1"));
        MetricRecord oracle = r.results().stream()
                .filter(m -> m.task().equals("ctr") && m.model().equals("oracle") && m.segment().equals("all"))
                .findFirst().orElseThrow();
        MetricRecord random = r.results().stream()
                .filter(m -> m.task().equals("ctr") && m.model().equals("random") && m.segment().equals("all"))
                .findFirst().orElseThrow();
        assertTrue(oracle.get("auc") > random.get("auc") + 0.15, "oracle " + oracle.get("auc") + " vs random "
                + random.get("auc"));
        // The methods' own CRMs are other models than the demo's lightgcn and dcnv2: rows of their own.
        assertTrue(keys.contains("topk/bdlm/lightgcn") && keys.contains("ctr/corella/dcnv2"), keys.toString());
        assertEquals(1, r.results().stream().filter(m -> m.task().equals("ctr") && m.model().equals("dcnv2")
                && m.segment().equals("all")).count());
        Set<String> dcnSegments = r.results().stream()
                .filter(m -> m.task().equals("ctr") && m.model().equals("corella/dcnv2")).map(MetricRecord::segment)
                .collect(Collectors.toSet());
        assertTrue(dcnSegments.containsAll(Set.of("entropy-q1", "entropy-q2", "entropy-q3", "warm")), dcnSegments.toString());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("dcnv2") && html.contains("lightgcn"));
    }
}
