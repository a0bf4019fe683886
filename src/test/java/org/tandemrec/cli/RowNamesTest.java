package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.RunInfo;
import org.tandemrec.eval.RunResults;

class RowNamesTest {
    private static Experiment.Model model(String id, Experiment.Kind kind, Long seed) {
        return new Experiment.Model(id, seed == null ? id : id + "/seed-" + seed, seed, id, kind, "loo", null, null, null);
    }

    private static RunResults run(String... names) {
        List<MetricRecord> records = java.util.Arrays.stream(names)
                .map(n -> new MetricRecord("topk", n, MetricRecord.ALL, Map.of("hr@1", 0.5), 10)).toList();
        List<Curve> curves = java.util.Arrays.stream(names)
                .map(n -> new Curve("CRMs: training loss by epoch", n, "epoch", "loss", new double[] {1}, new double[] {0.5}))
                .toList();
        Map<String, Map<String, String>> settings = new java.util.LinkedHashMap<>();
        for (String n : names) {
            settings.put(n, Map.of("dim", "64"));
        }
        return new RunResults(new RunInfo("x", Instant.parse("2026-12-05T00:00:00Z"), "test", Map.of()), records, curves,
                settings);
    }

    private static List<String> recordNames(RunResults r) {
        return r.results().stream().map(MetricRecord::model).toList();
    }

    @Test
    void aMethodsOwnCrmIsQualifiedWhereAnEntryOfThatNameExists() {
        List<Experiment.Model> models = List.of(model("lightgcn", Experiment.Kind.CRM, null),
                model("bdlm", Experiment.Kind.BDLM, null), model("corella", Experiment.Kind.CORELLA, null));
        RunResults crm = run("lightgcn");
        List<RunResults> out = RowNames.keepApart(models,
                List.of(crm, run("lightgcn", "bdlm-llm", "bdlm-drs"), run("dcnv2", "corella")));
        assertSame(crm, out.get(0), "the entry whose id the name is keeps it");
        assertEquals(List.of("bdlm/lightgcn", "bdlm-llm", "bdlm-drs"), recordNames(out.get(1)));
        assertEquals(List.of("bdlm/lightgcn", "bdlm-llm", "bdlm-drs"), out.get(1).curves().stream().map(Curve::name).toList());
        assertEquals(List.of("bdlm/lightgcn", "bdlm-llm", "bdlm-drs"), List.copyOf(out.get(1).settings().keySet()));
        assertEquals(List.of("dcnv2", "corella"), recordNames(out.get(2)), "a name no other entry uses stays plain");
    }

    @Test
    void twoMethodRunsSharingACrmNameAreBothQualifiedAndSeedsOfOneEntryAreNot() {
        List<Experiment.Model> models = List.of(model("bdlm", Experiment.Kind.BDLM, 1L), model("bdlm", Experiment.Kind.BDLM, 2L),
                model("bdlm-ncf", Experiment.Kind.BDLM, null));
        RunResults seeded = new RunResults(run("lightgcn").run(), run("lightgcn").results(),
                List.of(new Curve("g", "lightgcn (seed 1)", "epoch", "loss", new double[] {1}, new double[] {0.5})), Map.of());
        List<RunResults> out = RowNames.keepApart(models, List.of(seeded, run("lightgcn"), run("lightgcn", "ncf")));
        assertEquals(List.of("bdlm/lightgcn"), recordNames(out.get(0)));
        assertEquals("bdlm/lightgcn (seed 1)", out.get(0).curves().get(0).name());
        assertEquals(List.of("bdlm/lightgcn"), recordNames(out.get(1)));
        assertEquals(List.of("bdlm-ncf/lightgcn", "ncf"), recordNames(out.get(2)));
    }
}
