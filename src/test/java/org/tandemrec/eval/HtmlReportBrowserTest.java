package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a reader sees it: rendered by headless Chromium (Debian's {@code chromium}), the
 * page loads without console errors or exceptions, every chart is drawn (each {@code svg.chart}
 * has a mark — bar, line or dot — with a non-empty box), and a screenshot of the whole page is
 * kept in {@code target/report-screenshot.png}. Skipped where Chromium is not installed.
 */
class HtmlReportBrowserTest {
    private static final Duration STEP = Duration.ofSeconds(40);
    private static final String MEASURE = """
            (() => {
              document.querySelectorAll('details').forEach(d => d.open = true);
              const out = [];
              for (const svg of document.querySelectorAll('svg')) {
                let drawn = 0;
                for (const m of svg.querySelectorAll('.mark')) {
                  const b = m.getBBox();
                  if (b.width > 0 || b.height > 0) drawn++;
                }
                out.push({chart: svg.classList.contains('chart'), title: svg.getAttribute('aria-label'),
                          marks: svg.querySelectorAll('.mark').length, drawn: drawn,
                          width: svg.getBoundingClientRect().width});
              }
              return JSON.stringify(out);
            })()""";

    @TempDir
    Path dir;

    @Test
    void everyChartDrawsWithoutConsoleErrors() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(HeadlessChromium.BINARY),
                "chromium is not installed (" + HeadlessChromium.BINARY + "): the report is not rendered in a browser");
        Path report = dir.resolve("report.html");
        HtmlReport.write(report, everyKindOfChart());
        String html = Files.readString(report);
        int svgs = html.split("<svg", -1).length - 1;

        Path profile = Files.createDirectory(dir.resolve("profile"));
        try (HeadlessChromium browser = HeadlessChromium.start(profile, STEP)) {
            browser.call("Runtime.enable");
            browser.call("Log.enable");
            browser.call("Page.enable");
            browser.call("Emulation.setDeviceMetricsOverride", HeadlessChromium.params().put("width", 1200)
                    .put("height", 900).put("deviceScaleFactor", 1).put("mobile", false));
            CompletableFuture<JsonNode> loaded = browser.next("Page.loadEventFired");
            JsonNode nav = browser.call("Page.navigate", HeadlessChromium.params().put("url", report.toUri().toString()));
            assertTrue(nav.path("errorText").isMissingNode() || nav.path("errorText").asText().isEmpty(), nav.toString());
            browser.await(loaded);

            JsonNode size = browser.call("Page.getLayoutMetrics").path("cssContentSize");
            var clip = HeadlessChromium.params().put("x", 0).put("y", 0).put("width", size.path("width").asDouble())
                    .put("height", size.path("height").asDouble()).put("scale", 1);
            var shot = HeadlessChromium.params().put("format", "png").put("captureBeyondViewport", true);
            shot.set("clip", clip);
            byte[] png = Base64.getDecoder().decode(browser.call("Page.captureScreenshot", shot).path("data").asText());
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.write(target.resolve("report-screenshot.png"), png);
            assertTrue(png.length > 10_000, "a screenshot of a drawn page, got " + png.length + " bytes");

            JsonNode charts = new ObjectMapper().readTree(browser.call("Runtime.evaluate", HeadlessChromium.params()
                    .put("expression", MEASURE).put("returnByValue", true)).path("result").path("value").asText());
            assertEquals(svgs, charts.size(), "every <svg> of the page is in the DOM");
            List<String> titles = new ArrayList<>();
            for (JsonNode c : charts) {
                String title = c.path("title").asText();
                titles.add(title);
                assertTrue(c.path("chart").asBoolean(), title + ": marked as a chart");
                assertTrue(c.path("drawn").asInt() > 0, title + ": drew no mark with a non-empty box: " + c);
                assertTrue(c.path("width").asDouble() > 100, title + ": laid out on the page: " + c);
            }
            for (String kind : List.of("auc by model", "by confidence bucket", "(ECE ", "vs routed fraction",
                    "against λ", "LLM loss by step", "validation auc by epoch", "by model (topk")) {
                assertTrue(titles.stream().anyMatch(t -> t.contains(kind)), "a chart '" + kind + "' among " + titles);
            }

            List<String> problems = new ArrayList<>();
            for (JsonNode e : browser.events()) {
                String method = e.path("method").asText();
                JsonNode p = e.path("params");
                if (method.equals("Runtime.exceptionThrown")
                        || method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")
                        || method.equals("Runtime.consoleAPICalled") && p.path("type").asText().equals("error")) {
                    problems.add(e.toString());
                }
            }
            assertEquals(List.of(), problems, "console errors and exceptions");
        }
    }

    /** A run with every chart the report draws: bars, calibration, confidence buckets, routing, λ sweep, curves. */
    static RunResults everyKindOfChart() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 600;
        float[] labels = new float[n];
        float[] crm = new float[n];
        float[] llm = new float[n];
        String[] warmCold = new String[n];
        for (int i = 0; i < n; i++) {
            double truth = random.nextDouble();
            labels[i] = random.nextDouble() < truth ? 1 : 0;
            crm[i] = (float) Math.min(1, Math.max(0, truth + random.nextGaussian() * 0.25));
            llm[i] = (float) Math.min(1, Math.max(0, 0.5 + (truth - 0.5) * 0.6 + random.nextGaussian() * 0.15));
            warmCold[i] = i % 4 == 0 ? "cold" : "warm";
        }
        String[] buckets = ConfidenceBuckets.names(ConfidenceBuckets.assign(crm, 3));
        float[] mixed = crm.clone();
        int[] order = ConfidenceBuckets.byEntropy(crm);
        for (int r = n - n / 5; r < n; r++) {
            mixed[order[r]] = llm[order[r]];
        }
        List<MetricRecord> recs = new ArrayList<>();
        Map<String, float[]> ctr = new LinkedHashMap<>();
        ctr.put("dcnv2", crm);
        ctr.put("tallrec", llm);
        ctr.put("corella", mixed);
        for (Map.Entry<String, float[]> m : ctr.entrySet()) {
            recs.addAll(SegmentedEvaluator.ctr(new Provenance("ctr", m.getKey(), "synthetic", "time", 42L), labels,
                    m.getValue(), null, List.of(warmCold, buckets), SegmentedEvaluator.CORELLA));
        }
        recs.addAll(RoutingCurve.toRecords(Provenance.of("ctr", "corella"), RoutingCurve.compute(labels, crm, llm), n));
        String[] models = {"lightgcn", "bdlm-llm", "bdlm-llm-no-jl", "bdlm-llm-lambda-0", "bdlm-llm-lambda-0.1",
            "bdlm-llm-lambda-1"};
        for (int k = 0; k < models.length; k++) {
            for (String seg : List.of("all", "cold", "warm")) {
                double shift = seg.equals("cold") ? -0.1 : 0;
                recs.add(new MetricRecord("topk", models[k], seg, Map.of("hr@1", 0.2 + k / 50.0 + shift, "hr@2",
                        0.3 + k / 40.0 + shift, "ndcg@5", 0.35 + k / 60.0, "mrr", 0.3), 100));
                recs.add(new MetricRecord("interaction", models[k], seg, Map.of("auc", 0.7 + k / 80.0 + shift,
                        "f1", 0.6 + k / 90.0), 200));
            }
        }
        List<Curve> curves = new ArrayList<>();
        double[] steps = new double[120];
        double[] loss = new double[120];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i;
            loss[i] = 2.5 * Math.exp(-i / 40.0) + 0.4 + 0.05 * Math.sin(i);
        }
        curves.add(new Curve("LLM loss by step", "bdlm-llm", "step", "loss", steps, loss));
        curves.add(new Curve("training loss by epoch", "dcnv2", "epoch", "loss", new double[] {0, 1, 2, 3},
                new double[] {0.69, 0.61, 0.58, 0.57}));
        curves.add(new Curve("validation auc by epoch", "dcnv2", "epoch", "auc", new double[] {0, 1, 2, 3},
                new double[] {0.70, 0.74, 0.75, 0.749}));
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        settings.put("dcnv2", Map.of("dim", "16", "epochs", "4", "learning_rate", "0.001"));
        settings.put("corella", Map.of("alpha", "1.0", "gamma", "0.1", "budget", "-1.0"));
        return new RunResults(new RunInfo("every chart", Instant.parse("2026-12-04T12:00:00Z"), "test",
                Map.of("dataset", "synthetic")), recs, curves, settings);
    }
}
