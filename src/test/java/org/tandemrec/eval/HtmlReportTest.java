package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir
    Path dir;

    private static RunResults run() {
        List<MetricRecord> recs = new ArrayList<>();
        recs.add(new MetricRecord("ctr", "mf", "all", Map.of("auc", 0.71234, "logloss", 0.6), 1000));
        recs.add(new MetricRecord("ctr", "<script>x</script>", "all", Map.of("auc", 0.80001, "logloss", 0.55), 1000));
        recs.add(new MetricRecord("ctr", "mf", "cold", Map.of("auc", 0.61), 100));
        recs.add(new MetricRecord("ctr", "mf", "warm", Map.of("auc", 0.75), 900));
        float[] labels = {1, 0, 1, 0, 1, 0};
        float[] crm = {0.9f, 0.55f, 0.45f, 0.1f, 0.6f, 0.4f};
        float[] llm = {0.6f, 0.2f, 0.8f, 0.7f, 0.7f, 0.3f};
        recs.addAll(RoutingCurve.toRecords(Provenance.of("ctr", "corella"), RoutingCurve.compute(labels, crm, llm), 6));
        recs.add(new MetricRecord("topk", "bdlm", "all", Map.of("hr@10", 0.5, "ndcg@10", 0.3), 50));
        return new RunResults(new RunInfo("demo & co", Instant.parse("2026-11-25T11:00:00Z"), "0.1.0",
                Map.of("note", "a<b")), recs);
    }

    @Test
    void reportHoldsValuesEscapesTextAndIsSelfContained() throws IOException {
        Path file = dir.resolve("report.html");
        HtmlReport.write(file, run());
        String html = Files.readString(file);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("0.7123"), "table value with 4 decimals");
        assertTrue(html.contains("0.8000"));
        assertTrue(html.contains("&lt;script&gt;x&lt;/script&gt;"), "model name escaped");
        assertFalse(html.contains("<script"), "no raw script tag, no JS at all");
        assertTrue(html.contains("demo &amp; co"));
        assertTrue(html.contains("a&lt;b"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "no external resources");
        assertFalse(html.contains("<link") || html.contains("src="));
        assertTrue(html.contains("Segment: cold") && html.contains("Segment: warm"));
        assertTrue(html.contains("auc by segment"));
        assertTrue(html.contains("<polyline"), "routing curve drawn");
        assertTrue(html.contains("auc by model"));
        assertTrue(html.contains("ndcg@10 by model"));
        // Best AUC (0.8000) and best (lowest) log loss (0.5500) are highlighted, nothing else in that table.
        Matcher m = Pattern.compile("<td class=\"num best\">([0-9.]+)</td>").matcher(html.substring(html.indexOf("Segment: all"), html.indexOf("Segment: cold")));
        List<String> best = new ArrayList<>();
        while (m.find()) {
            best.add(m.group(1));
        }
        assertEquals(Set.of("0.8000", "0.5500"), Set.copyOf(best));
        assertEquals(2, best.size());
    }

    @Test
    void comparisonVariantsSweepAndCurvesComeFromTheRecordNames() {
        List<MetricRecord> recs = new ArrayList<>();
        String[] models = {"lightgcn", "bdlm-llm", "bdlm-llm-no-jl", "bdlm-llm-lambda-1", "bdlm-llm-lambda-0.1",
            "bdlm-llm-lambda-0"};
        for (int k = 0; k < models.length; k++) {
            for (String seg : List.of("all", "cold")) {
                recs.add(new MetricRecord("topk", models[k], seg, Map.of("hr@1", 0.1 + k / 100.0, "hr@2", 0.2,
                        "ndcg@5", 0.3, "mrr", 0.4), 10));
                recs.add(new MetricRecord("interaction", models[k], seg, Map.of("auc", 0.6 + k / 100.0, "f1", 0.5), 20));
            }
        }
        Curve loss = new Curve("LLM loss by step", "bdlm", "step", "loss", new double[] {0, 1, 2, 3},
                new double[] {4, 3, 2.5, 2});
        String page = HtmlReport.render(new RunResults(new RunInfo("bdlm", Instant.parse("2026-11-25T11:00:00Z"), "0.1.0",
                Map.of()), recs, List.of(loss)));
        // The contents list first, every section heading numbered and linked from it.
        String nav = page.substring(page.indexOf("<nav>"), page.indexOf("</nav>"));
        assertTrue(nav.contains("<a href=\"#s1\">Comparison across tasks</a>"), nav);
        assertTrue(page.contains("<h2 id=\"s1\">Comparison across tasks</h2>"));
        String html = page.substring(page.indexOf("</nav>"));

        String comparison = html.substring(html.indexOf("Comparison across tasks"), html.indexOf("Variants (ablations)"));
        assertTrue(comparison.contains("<th>topk hr@1</th><th>topk hr@2</th><th>topk ndcg@5</th><th>interaction f1</th>"
                + "<th>interaction auc</th>"), "Table-3 columns in order, only those present");
        assertFalse(comparison.contains("mrr"));
        assertTrue(comparison.contains("segment cold"), "the comparison by segment");
        // lightgcn's hr@1 is the lowest (0.1000) and bdlm-llm-lambda-0's the highest (0.1500, highlighted).
        assertTrue(comparison.contains("<td class=\"num best\">0.1500</td>"));

        String variants = html.substring(html.indexOf("Variants (ablations)"), html.indexOf("bdlm-llm against λ"));
        assertTrue(variants.contains("bdlm-llm and its variants"));
        assertTrue(variants.contains("<td>bdlm-llm-no-jl</td>"));
        assertFalse(variants.contains("<td>bdlm-llm-lambda-1</td>"), "sweep points are not ablations");
        assertFalse(variants.contains("<td>lightgcn</td>"));

        String sweep = html.substring(html.indexOf("bdlm-llm against λ"), html.indexOf("Task: topk"));
        int t0 = sweep.indexOf(">0</text>");
        int t01 = sweep.indexOf(">0.1</text>");
        int t1 = sweep.indexOf(">1</text>");
        assertTrue(t0 > 0 && t0 < t01 && t01 < t1, "λ ticks in increasing order, 0 first");
        assertTrue(sweep.contains("<circle"), "sweep points marked");

        String curves = html.substring(html.indexOf("Training curves"));
        assertTrue(curves.contains("LLM loss by step") && curves.contains("<polyline"));

        assertFalse(HtmlReport.render(run()).contains("Comparison across tasks"), "one task with summary metrics: no comparison");
    }

    @Test
    void calibrationConfidenceBucketsAndSettingsAreShown() {
        RunResults r = HtmlReportBrowserTest.everyKindOfChart();
        String html = HtmlReport.render(r);
        assertFalse(html.contains("<script"), "still no script");
        String calibration = html.substring(html.indexOf("Calibration (ctr)"), html.indexOf("By confidence bucket"));
        for (String model : List.of("dcnv2", "tallrec", "corella")) {
            MetricRecord all = r.results().stream().filter(x -> x.model().equals(model) && x.segment().equals("all"))
                    .findFirst().orElseThrow();
            assertTrue(calibration.contains(model + " (ECE " + Html.number(all.calibration().expectedError()) + ")"), model);
        }
        assertEquals(3, calibration.split("stroke-dasharray", -1).length - 1, "one diagonal per reliability diagram");
        String buckets = html.substring(html.indexOf("By confidence bucket"), html.indexOf("auc by segment"));
        assertTrue(buckets.contains("auc by confidence bucket (ctr)") && buckets.contains("logloss by confidence bucket"));
        assertTrue(buckets.indexOf(">entropy-q1<") < buckets.indexOf(">entropy-q2<")
                && buckets.indexOf(">entropy-q2<") < buckets.indexOf(">entropy-q3<"), "buckets from most confident");
        // 3 models × 3 buckets × 2 metrics bars, each with its value on hover.
        assertEquals(18, buckets.split("<rect class=\"mark\"", -1).length - 1);
        String settings = html.substring(html.indexOf("<h2 id="));
        settings = settings.substring(settings.lastIndexOf("Settings</h2>"));
        assertTrue(settings.contains("<summary>dcnv2 (3 settings)</summary>"), settings);
        assertTrue(settings.contains("<td>learning_rate</td><td>0.001</td>"), settings);
        assertTrue(settings.contains("<summary>corella (3 settings)</summary>"));
    }
}
