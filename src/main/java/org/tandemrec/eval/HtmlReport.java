package org.tandemrec.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tandemrec.base.AtomicFile;

/**
 * Builds {@code report.html} from a run's {@link RunResults} — never from models, so a report
 * can be rebuilt from any {@code metrics.json}. The page is one self-contained file: inline CSS,
 * inline SVG, no scripts, no external resources.
 *
 * <p>Content: a numbered list of the sections; the run's metadata and configuration (folded when
 * long); the sections of {@link ComparisonSections} when the records call for them (a comparison
 * across tasks, variant tables, a λ sweep); per task, a bar chart of the main metric ({@code auc}
 * for CTR, {@code ndcg@10} or {@code hr@10} for top-K, else the first metric) over the models on
 * segment "all", a reliability diagram per model whose records carry a {@link Calibration},
 * grouped bars of the main metric and log loss per confidence bucket ({@code entropy-q…}
 * segments), a table of the main metric with models as rows and segments as columns, a table
 * with models as rows and metrics as columns for "all" and one (folded) per further segment,
 * and, when routing records ({@code route@…} segments) exist, a line chart of AUC against the
 * routed fraction with its (folded) table; then the traced curves (training losses, validation
 * metrics by epoch) side by side, and every model's or method's settings, one folded block
 * each. The best value of a metric column (lowest for losses) is highlighted when at least two
 * rows have one; numbers have four decimals; all text is HTML-escaped. Every chart is an
 * {@code <svg class="chart">} whose data are drawn by elements of class {@code mark}.
 */
public final class HtmlReport {
    /** The conventional file name inside a run directory. */
    public static final String FILE_NAME = "report.html";

    /** Columns that describe a routing point rather than score it: never highlighted. */
    private static final Set<String> NOT_RANKED = Set.of("route_fraction", "llm_calls_saved");
    private static final List<String> MAIN_METRICS = List.of("auc", "ndcg@10", "hr@10", "uauc");
    /** Configurations up to this many entries are shown unfolded. */
    private static final int OPEN_CONFIG = 12;
    private static final String BUCKET_PREFIX = "entropy-q";

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;\
            color:#222;padding:0 1em}
            h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}h3{margin-top:1.4em}
            table{border-collapse:collapse;margin:.6em 0}
            th,td{border:1px solid #ddd;padding:.3em .7em}
            th{background:#f3f3f3;text-align:left}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.best{font-weight:bold;background:#e3f4e1}
            td.na{color:#999;text-align:center}
            svg{display:block;margin:.8em 0;font-size:12px}
            .ctitle{font-weight:bold;font-size:13px}
            .meta td:first-child{font-weight:bold}
            .note{color:#666;font-size:.9em}
            caption{text-align:left;font-weight:bold;padding:.2em 0}
            details{margin:.6em 0}summary{cursor:pointer;color:#1f4e8c}
            nav{background:#f7f7f7;border:1px solid #e3e3e3;padding:.4em 1em;margin:1em 0}
            nav ol{margin:.3em 0;padding-left:1.4em;columns:2}nav a{color:#1f4e8c;text-decoration:none}
            .grid{display:flex;flex-wrap:wrap;gap:0 1.5em;align-items:flex-start}
            .grid.curves svg{width:520px;height:auto}
            details.settings{border-left:3px solid #cfdcef;padding-left:.6em}
            """;

    private HtmlReport() {
    }

    public static void write(Path file, RunResults results) throws IOException {
        AtomicFile.writeString(file, render(results));
    }

    public static String render(RunResults results) {
        StringBuilder h = new StringBuilder(16_384);
        RunInfo run = results.run();
        String title = "Tandem report: " + run.name();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        StringBuilder body = new StringBuilder(16_384);
        body.append("<table class=\"meta\">\n");
        metaRow(body, "Run", run.name());
        metaRow(body, "Created", run.created().toString());
        metaRow(body, "Tandem version", run.tandemVersion());
        body.append("</table>\n");
        if (!run.config().isEmpty()) {
            // A long configuration (a method's every setting) is folded, a short one shown.
            body.append(run.config().size() <= OPEN_CONFIG ? "<details open>" : "<details>")
                    .append("<summary>Run configuration (").append(count(run.config().size(), "entry", "entries")).append(")</summary>\n")
                    .append("<table class=\"meta\">\n");
            run.config().forEach((k, v) -> metaRow(body, k, v));
            body.append("</table>\n</details>\n");
        }

        Map<String, List<MetricRecord>> byTask = new LinkedHashMap<>();
        for (MetricRecord r : results.results()) {
            byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r);
        }
        if (byTask.isEmpty()) {
            body.append("<p class=\"note\">This run holds no results.</p>\n");
        }
        ComparisonSections.comparison(body, results.results());
        ComparisonSections.variants(body, results.results());
        ComparisonSections.sweeps(body, results.results());
        seedSection(body, SeedSpread.of(results.results()));
        for (Map.Entry<String, List<MetricRecord>> task : byTask.entrySet()) {
            taskSection(body, task.getKey(), task.getValue());
        }
        ComparisonSections.curves(body, results.curves());
        settingsSection(body, results.settings());
        contents(h, body);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** Numbers every section heading and puts their list before the body, so a long page can be jumped through. */
    private static void contents(StringBuilder h, StringBuilder body) {
        Matcher m = Pattern.compile("<h2>(.*?)</h2>").matcher(body);
        StringBuilder numbered = new StringBuilder(body.length() + 1024);
        StringBuilder nav = new StringBuilder();
        int n = 0;
        while (m.find()) {
            n++;
            nav.append("<li><a href=\"#s").append(n).append("\">").append(m.group(1)).append("</a></li>");
            m.appendReplacement(numbered, Matcher.quoteReplacement("<h2 id=\"s" + n + "\">" + m.group(1) + "</h2>"));
        }
        m.appendTail(numbered);
        if (n > 1) {
            h.append("<nav><ol>").append(nav).append("</ol></nav>\n");
        }
        h.append(numbered);
    }

    /** One folded block per model (or method) with its settings: one click shows them. */
    private static void settingsSection(StringBuilder h, Map<String, Map<String, String>> settings) {
        if (settings.isEmpty()) {
            return;
        }
        h.append("<h2>Settings</h2>\n<p class=\"note\">What each model or method was trained with; a method's"
                + " settings apply to its variants (named after it).</p>\n");
        for (Map.Entry<String, Map<String, String>> model : settings.entrySet()) {
            h.append("<details class=\"settings\"><summary>").append(Html.escape(model.getKey())).append(" (")
                    .append(count(model.getValue().size(), "setting", "settings")).append(")</summary>\n<table class=\"meta\">\n");
            model.getValue().forEach((k, v) -> metaRow(h, k, v));
            h.append("</table>\n</details>\n");
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static void metaRow(StringBuilder h, String key, String value) {
        h.append("<tr><td>").append(Html.escape(key)).append("</td><td>").append(Html.escape(value)).append("</td></tr>\n");
    }

    private static void taskSection(StringBuilder h, String task, List<MetricRecord> records) {
        h.append("<h2>Task: ").append(Html.escape(task)).append("</h2>\n");
        Map<String, List<MetricRecord>> bySegment = new LinkedHashMap<>();
        Set<String> segments = new TreeSet<>(SegmentNames.ORDER);
        Map<String, List<MetricRecord>> routing = new LinkedHashMap<>();
        for (MetricRecord r : records) {
            if (r.segment().startsWith(RoutingCurve.SEGMENT_PREFIX)) {
                routing.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r);
            } else {
                segments.add(r.segment());
                bySegment.computeIfAbsent(r.segment(), s -> new ArrayList<>()).add(r);
            }
        }
        List<MetricRecord> all = bySegment.get(MetricRecord.ALL);
        if (all != null) {
            String main = mainMetric(all);
            if (main != null) {
                List<SvgCharts.Bar> bars = new ArrayList<>();
                for (MetricRecord r : all) {
                    if (r.metrics().containsKey(main)) {
                        bars.add(new SvgCharts.Bar(r.model(), r.get(main)));
                    }
                }
                h.append(SvgCharts.bars(main + " by model (" + task + ", all examples)", bars));
            }
        }
        if (all != null) {
            calibrationCharts(h, task, all);
        }
        confidenceBuckets(h, task, segments, bySegment);
        if (all != null && segments.size() > 1) {
            segmentComparison(h, mainMetric(all), segments, bySegment);
        }
        for (String segment : segments) {
            boolean fold = !segment.equals(MetricRecord.ALL);
            if (fold) {
                h.append("<details><summary>Segment: ").append(Html.escape(segment)).append(", every metric</summary>\n");
            } else {
                h.append("<h3>Segment: ").append(Html.escape(segment)).append("</h3>\n");
            }
            table(h, bySegment.get(segment));
            if (fold) {
                h.append("</details>\n");
            }
        }
        if (!routing.isEmpty()) {
            routingSection(h, task, routing);
        }
    }

    /**
     * Reliability diagrams of the models whose records on all examples carry a {@link
     * Calibration}, side by side, each with its expected calibration error.
     */
    private static void calibrationCharts(StringBuilder h, String task, List<MetricRecord> all) {
        List<MetricRecord> calibrated = new ArrayList<>();
        for (MetricRecord r : all) {
            if (r.calibration() != null && !r.calibration().bins().isEmpty()) {
                calibrated.add(r);
            }
        }
        if (calibrated.isEmpty()) {
            return;
        }
        h.append("<h3>Calibration (").append(Html.escape(task)).append(")</h3>\n<p class=\"note\">Predicted click"
                + " probability in ten bins against the observed click rate of each bin, all examples; on the dashed"
                + " diagonal a prediction means what it says. A dot's area follows its bin's share of the examples;"
                + " ECE is the count-weighted mean distance to the diagonal.</p>\n<div class=\"grid\">\n");
        for (MetricRecord r : calibrated) {
            h.append(SvgCharts.reliability(r.model() + " (ECE " + Html.number(r.calibration().expectedError()) + ")",
                    r.calibration()));
        }
        h.append("</div>\n");
    }

    /**
     * CoReLLa's confidence analysis: the main metric (and log loss, when recorded) of every model
     * in each entropy bucket ({@code entropy-q1} the most confident), as grouped bars.
     */
    private static void confidenceBuckets(StringBuilder h, String task, Set<String> segments,
                                          Map<String, List<MetricRecord>> bySegment) {
        List<String> buckets = new ArrayList<>();
        for (String s : segments) {
            if (s.startsWith(BUCKET_PREFIX)) {
                buckets.add(s);
            }
        }
        if (buckets.size() < 2) {
            return;
        }
        List<MetricRecord> inBuckets = new ArrayList<>();
        buckets.forEach(b -> inBuckets.addAll(bySegment.get(b)));
        String main = mainMetric(inBuckets);
        if (main == null) {
            return;
        }
        List<String> metrics = new ArrayList<>();
        metrics.add(main);
        if (!"logloss".equals(main) && inBuckets.stream().anyMatch(r -> r.metrics().containsKey("logloss"))) {
            metrics.add("logloss");
        }
        List<String> models = new ArrayList<>();
        inBuckets.forEach(r -> {
            if (!models.contains(r.model())) {
                models.add(r.model());
            }
        });
        StringBuilder charts = new StringBuilder();
        for (String metric : metrics) {
            double[][] v = new double[models.size()][buckets.size()];
            boolean any = false;
            for (int k = 0; k < models.size(); k++) {
                for (int g = 0; g < buckets.size(); g++) {
                    v[k][g] = Double.NaN;
                    for (MetricRecord r : bySegment.get(buckets.get(g))) {
                        if (r.model().equals(models.get(k)) && r.metrics().containsKey(metric)) {
                            v[k][g] = r.get(metric);
                            any = true;
                        }
                    }
                }
            }
            if (any) {
                charts.append(SvgCharts.groupedBars(metric + " by confidence bucket (" + task + ")", metric, buckets,
                        models, v));
            }
        }
        if (charts.length() > 0) {
            h.append("<h3>By confidence bucket</h3>\n<p class=\"note\">Examples split into equal parts by the"
                    + " entropy of a predicted click probability (in a CoReLLa run the stage-1 DCNv2's, so every model"
                    + " is scored on the same rows; elsewhere each model's own): ")
                    .append(Html.escape(buckets.get(0))).append(" is the most confident part, ")
                    .append(Html.escape(buckets.get(buckets.size() - 1))).append(" the least confident, the requests"
                    + " CoReLLa hands to the LLM.</p>\n<div class=\"grid\">\n").append(charts).append("</div>\n");
        }
    }

    /** The main metric with models as rows and segments as columns: warm vs cold at a glance. */
    private static void segmentComparison(StringBuilder h, String metric, Set<String> segments,
                                          Map<String, List<MetricRecord>> bySegment) {
        if (metric == null) {
            return;
        }
        Map<String, Map<String, Double>> byModel = new LinkedHashMap<>();
        for (String segment : segments) {
            for (MetricRecord r : bySegment.get(segment)) {
                Map<String, Double> row = byModel.computeIfAbsent(r.model(), m -> new LinkedHashMap<>());
                if (r.metrics().containsKey(metric)) {
                    row.putIfAbsent(segment, r.get(metric));
                }
            }
        }
        h.append("<h3>").append(Html.escape(metric)).append(" by segment</h3>\n<table>\n<tr><th>model</th>");
        for (String segment : segments) {
            h.append("<th>").append(Html.escape(segment)).append("</th>");
        }
        h.append("</tr>\n");
        for (Map.Entry<String, Map<String, Double>> row : byModel.entrySet()) {
            h.append("<tr><td>").append(Html.escape(row.getKey())).append("</td>");
            for (String segment : segments) {
                Double v = row.getValue().get(segment);
                if (v == null) {
                    h.append("<td class=\"na\">–</td>");
                    continue;
                }
                int values = 0;
                boolean best = true;
                for (Map<String, Double> other : byModel.values()) {
                    Double o = other.get(segment);
                    if (o != null) {
                        values++;
                        best &= !(Html.lowerIsBetter(metric) ? o < v : o > v);
                    }
                }
                best &= values > 1;
                h.append("<td class=\"num").append(best ? " best" : "").append("\">").append(Html.number(v)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String mainMetric(List<MetricRecord> records) {
        for (String m : MAIN_METRICS) {
            for (MetricRecord r : records) {
                if (r.metrics().containsKey(m)) {
                    return m;
                }
            }
        }
        for (MetricRecord r : records) {
            if (!r.metrics().isEmpty()) {
                return r.metrics().keySet().iterator().next();
            }
        }
        return null;
    }

    /** Each model's mean ± sd over its seeds, by task; the best mean per column highlighted. */
    private static void seedSection(StringBuilder h, List<SeedSpread> spreads) {
        if (spreads.isEmpty()) {
            return;
        }
        h.append("<h2>Over seeds: mean ± standard deviation</h2>\n<p class=\"note\">Each model trained once per seed on "
                + "the same split; all examples. A difference between two models smaller than their spread is not one "
                + "the seeds can tell apart.</p>\n");
        Map<String, List<SeedSpread>> byTask = new LinkedHashMap<>();
        spreads.forEach(s -> byTask.computeIfAbsent(s.task(), t -> new ArrayList<>()).add(s));
        for (Map.Entry<String, List<SeedSpread>> t : byTask.entrySet()) {
            Set<String> columns = new LinkedHashSet<>();
            t.getValue().forEach(s -> columns.addAll(s.mean().keySet()));
            h.append("<h3>Task: ").append(Html.escape(t.getKey())).append("</h3>\n<table>\n<tr><th>model</th><th>split</th>"
                    + "<th>seeds</th>");
            columns.forEach(c -> h.append("<th>").append(Html.escape(c)).append("</th>"));
            h.append("</tr>\n");
            for (SeedSpread s : t.getValue()) {
                h.append("<tr><td>").append(Html.escape(s.model())).append("</td><td>")
                        .append(Html.escape(s.split() == null ? "" : s.split())).append("</td><td class=\"num\">")
                        .append(s.seeds().size()).append("</td>");
                for (String c : columns) {
                    Double m = s.mean().get(c);
                    if (m == null) {
                        h.append("<td class=\"na\">–</td>");
                        continue;
                    }
                    boolean best = !NOT_RANKED.contains(c) && t.getValue().size() > 1 && t.getValue().stream()
                            .map(o -> o.mean().get(c)).filter(Objects::nonNull)
                            .allMatch(o -> Html.lowerIsBetter(c) ? o >= m : o <= m);
                    h.append("<td class=\"num").append(best ? " best" : "").append("\">").append(Html.number(m))
                            .append(" ± ").append(Html.number(s.sd().get(c))).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** Models as rows, metrics as columns, best per column highlighted. */
    private static void table(StringBuilder h, List<MetricRecord> rows) {
        table(h, rows, "model", MetricRecord::model);
    }

    private static void table(StringBuilder h, List<MetricRecord> rows, String rowHeader,
                              Function<MetricRecord, String> rowLabel) {
        Set<String> columns = new LinkedHashSet<>();
        boolean provenance = false;
        for (MetricRecord r : rows) {
            columns.addAll(r.metrics().keySet());
            provenance |= r.dataset() != null || r.split() != null || r.seed() != null;
        }
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Integer> present = new LinkedHashMap<>();
        for (String c : columns) {
            for (MetricRecord r : rows) {
                Double v = r.metrics().get(c);
                if (v != null) {
                    best.merge(c, v, (a, b) -> Html.lowerIsBetter(c) ? Math.min(a, b) : Math.max(a, b));
                    present.merge(c, 1, Integer::sum);
                }
            }
        }
        h.append("<table>\n<tr><th>").append(Html.escape(rowHeader)).append("</th>");
        if (provenance) {
            h.append("<th>data</th>");
        }
        h.append("<th>count</th>");
        for (String c : columns) {
            h.append("<th>").append(Html.escape(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (MetricRecord r : rows) {
            h.append("<tr><td>").append(Html.escape(rowLabel.apply(r))).append("</td>");
            if (provenance) {
                h.append("<td>").append(Html.escape(provenanceText(r))).append("</td>");
            }
            h.append("<td class=\"num\">").append(r.count()).append("</td>");
            for (String c : columns) {
                Double v = r.metrics().get(c);
                if (v == null) {
                    h.append("<td class=\"na\">–</td>");
                } else {
                    boolean isBest = present.get(c) > 1 && !NOT_RANKED.contains(c) && v.doubleValue() == best.get(c);
                    h.append("<td class=\"num").append(isBest ? " best" : "").append("\">").append(Html.number(v)).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String provenanceText(MetricRecord r) {
        List<String> parts = new ArrayList<>();
        if (r.dataset() != null) {
            parts.add(r.dataset());
        }
        if (r.split() != null) {
            parts.add(r.split());
        }
        if (r.seed() != null) {
            parts.add("seed " + r.seed());
        }
        return String.join(" / ", parts);
    }

    private static void routingSection(StringBuilder h, String task, Map<String, List<MetricRecord>> routing) {
        h.append("<h3>Routing: hardest examples to the LLM</h3>\n");
        h.append("<p class=\"note\">The CRM's least confident examples (highest prediction entropy) are answered by "
                + "the LLM; x is the routed fraction, llm_calls_saved = 1 − routed fraction.</p>\n");
        String yMetric = "auc";
        for (List<MetricRecord> points : routing.values()) {
            for (MetricRecord r : points) {
                if (!r.metrics().containsKey("auc")) {
                    yMetric = "logloss";
                }
            }
        }
        List<SvgCharts.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<MetricRecord>> e : routing.entrySet()) {
            List<MetricRecord> pts = new ArrayList<>(e.getValue());
            pts.removeIf(r -> !r.metrics().containsKey("route_fraction"));
            pts.sort((a, b) -> Double.compare(a.get("route_fraction"), b.get("route_fraction")));
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i).get("route_fraction");
                y[i] = pts.get(i).get(yMetric);
            }
            if (x.length > 0 && allFinite(y)) {
                series.add(new SvgCharts.Series(e.getKey(), x, y));
            }
        }
        if (!series.isEmpty()) {
            h.append(SvgCharts.lines(yMetric + " vs routed fraction (" + task + ")", "fraction routed to the LLM", yMetric, series));
        }
        for (Map.Entry<String, List<MetricRecord>> e : routing.entrySet()) {
            h.append("<details><summary>").append(Html.escape(e.getKey())).append(": every routing point</summary>\n");
            table(h, e.getValue(), "routing point", MetricRecord::segment);
            h.append("</details>\n");
        }
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }
}
