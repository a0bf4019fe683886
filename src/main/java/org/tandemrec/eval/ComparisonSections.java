package org.tandemrec.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report's sections that read across tasks and models, all derived from the records' names:
 * the comparison table of a run that scores its models on several tasks (BDLM's Table 3: HR@1,
 * HR@2, NDCG@5 of top-K next to precision, recall, F1 and AUC of interaction prediction), the
 * table of a model's variants (a model {@code m-suffix} next to {@code m}: ablations), the chart
 * of a swept setting (models {@code m-lambda-X}: metric against λ) and the traced curves.
 */
final class ComparisonSections {
    /** The comparison's columns, in order, where a task has them. */
    static final List<String> SUMMARY_METRICS = List.of("hr@1", "hr@2", "ndcg@5", "precision", "recall", "f1", "auc",
            "logloss", "accuracy");
    private static final String SWEEP = "-lambda-";
    private static final int CURVE_POINTS = 200;

    private ComparisonSections() {
    }

    /** A column of the comparison: one metric of one task. */
    record Column(String task, String metric) {
        String header() {
            return task + " " + metric;
        }
    }

    /** The comparison's columns: every task's summary metrics; empty unless at least two tasks have some. */
    static List<Column> columns(List<MetricRecord> records) {
        Map<String, Set<String>> byTask = new LinkedHashMap<>();
        for (MetricRecord r : records) {
            if (!r.segment().startsWith(RoutingCurve.SEGMENT_PREFIX)) {
                byTask.computeIfAbsent(r.task(), t -> new LinkedHashSet<>()).addAll(r.metrics().keySet());
            }
        }
        List<Column> out = new ArrayList<>();
        int tasks = 0;
        for (Map.Entry<String, Set<String>> t : byTask.entrySet()) {
            int before = out.size();
            for (String m : SUMMARY_METRICS) {
                if (t.getValue().contains(m)) {
                    out.add(new Column(t.getKey(), m));
                }
            }
            tasks += out.size() > before ? 1 : 0;
        }
        return tasks >= 2 ? out : List.of();
    }

    /**
     * Per split (records of one split share their users and lists): models as rows, the columns
     * of {@link #columns} for segment "all", then the same table for every further segment
     * (folded), best value per column highlighted.
     */
    static void comparison(StringBuilder h, List<MetricRecord> records) {
        Map<String, List<MetricRecord>> bySplit = new LinkedHashMap<>();
        for (MetricRecord r : records) {
            bySplit.computeIfAbsent(r.split() == null ? "" : r.split(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<MetricRecord>> split : bySplit.entrySet()) {
            List<MetricRecord> part = split.getValue();
            List<Column> columns = columns(part);
            if (columns.isEmpty()) {
                continue;
            }
            h.append("<h2>Comparison across tasks").append(split.getKey().isEmpty() ? ""
                    : " (split " + Html.escape(split.getKey()) + ")").append("</h2>\n");
            Set<String> segments = new TreeSet<>(SegmentNames.ORDER);
            for (MetricRecord r : part) {
                if (!r.segment().startsWith(RoutingCurve.SEGMENT_PREFIX)) {
                    segments.add(r.segment());
                }
            }
            List<String> models = models(part);
            table(h, "all examples", models, columns, part, MetricRecord.ALL);
            segments.remove(MetricRecord.ALL);
            if (!segments.isEmpty()) {
                h.append("<details><summary>The same by segment (").append(Html.escape(String.join(", ", segments)))
                        .append(")</summary>\n");
                for (String s : segments) {
                    table(h, "segment " + s, models, columns, part, s);
                }
                h.append("</details>\n");
            }
        }
    }

    /**
     * For every model with variants ({@code m-…}, not a sweep point): a table of the model and
     * its variants over the comparison's columns (or the first task's metrics), all examples,
     * then by segment (folded).
     */
    static void variants(StringBuilder h, List<MetricRecord> records) {
        List<String> models = models(records);
        List<Column> columns = columns(records);
        if (columns.isEmpty()) {
            columns = singleTaskColumns(records);
        }
        Set<String> segments = new TreeSet<>(SegmentNames.ORDER);
        records.stream().filter(r -> !r.segment().startsWith(RoutingCurve.SEGMENT_PREFIX))
                .forEach(r -> segments.add(r.segment()));
        segments.remove(MetricRecord.ALL);
        boolean heading = false;
        for (String base : models) {
            List<String> group = new ArrayList<>(List.of(base));
            for (String m : models) {
                if (m.startsWith(base + "-") && !m.startsWith(base + SWEEP) && !hasLongerBase(m, base, models)) {
                    group.add(m);
                }
            }
            if (group.size() < 2 || columns.isEmpty()) {
                continue;
            }
            if (!heading) {
                h.append("<h2>Variants (ablations)</h2>\n");
                heading = true;
            }
            table(h, base + " and its variants, all examples", group, columns, records, MetricRecord.ALL);
            if (!segments.isEmpty()) {
                h.append("<details><summary>").append(Html.escape(base)).append(" variants by segment</summary>\n");
                for (String s : segments) {
                    table(h, base + ", segment " + s, group, columns, records, s);
                }
                h.append("</details>\n");
            }
        }
    }

    /** Whether {@code m} is a variant of a longer model name than {@code base} (a variant of a variant). */
    private static boolean hasLongerBase(String m, String base, List<String> models) {
        for (String other : models) {
            if (other.length() > base.length() && other.startsWith(base + "-") && m.startsWith(other + "-")) {
                return true;
            }
        }
        return false;
    }

    /**
     * For every model swept over λ ({@code m-lambda-X}): each comparison column against λ, the
     * values at equal spacing in λ's order (0 first), and their table.
     */
    static void sweeps(StringBuilder h, List<MetricRecord> records) {
        List<Column> columns = columns(records);
        if (columns.isEmpty()) {
            columns = singleTaskColumns(records);
        }
        Map<String, TreeMap<Double, String>> sweeps = new LinkedHashMap<>();
        for (String m : models(records)) {
            int at = m.lastIndexOf(SWEEP);
            if (at > 0) {
                try {
                    double lambda = Double.parseDouble(m.substring(at + SWEEP.length()));
                    sweeps.computeIfAbsent(m.substring(0, at), b -> new TreeMap<>()).put(lambda, m);
                } catch (NumberFormatException e) {
                    // a model whose name merely contains the marker
                }
            }
        }
        for (Map.Entry<String, TreeMap<Double, String>> sweep : sweeps.entrySet()) {
            if (sweep.getValue().size() < 2) {
                continue;
            }
            List<Double> lambdas = new ArrayList<>(sweep.getValue().keySet());
            List<SvgCharts.Tick> ticks = new ArrayList<>();
            for (int k = 0; k < lambdas.size(); k++) {
                ticks.add(new SvgCharts.Tick(position(k, lambdas.size()), lambdaText(lambdas.get(k))));
            }
            List<SvgCharts.Series> series = new ArrayList<>();
            for (Column c : columns) {
                List<double[]> pts = new ArrayList<>();
                for (int k = 0; k < lambdas.size(); k++) {
                    double v = value(records, sweep.getValue().get(lambdas.get(k)), c, MetricRecord.ALL);
                    if (Double.isFinite(v)) {
                        pts.add(new double[] {position(k, lambdas.size()), v});
                    }
                }
                if (pts.size() >= 2) {
                    series.add(new SvgCharts.Series(c.header(), pts.stream().mapToDouble(p -> p[0]).toArray(),
                            pts.stream().mapToDouble(p -> p[1]).toArray()));
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            h.append("<h2>").append(Html.escape(sweep.getKey())).append(" against λ</h2>\n");
            h.append(SvgCharts.lines(sweep.getKey() + ": metrics against λ (all examples)", "λ (equally spaced)", "value",
                    series, ticks));
            table(h, sweep.getKey() + " by λ", new ArrayList<>(sweep.getValue().values()), columns, records,
                    MetricRecord.ALL);
        }
    }

    /** One chart per curve group, every curve averaged to at most {@value #CURVE_POINTS} points. */
    static void curves(StringBuilder h, List<Curve> curves) {
        if (curves.isEmpty()) {
            return;
        }
        h.append("<h2>Training curves</h2>\n<div class=\"grid curves\">\n");
        Map<String, List<Curve>> groups = new LinkedHashMap<>();
        for (Curve c : curves) {
            groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c.averagedTo(CURVE_POINTS));
        }
        for (Map.Entry<String, List<Curve>> g : groups.entrySet()) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Curve c : g.getValue()) {
                double[] x = c.x();
                if (x.length > 0) {
                    lo = Math.min(lo, x[0]);
                    hi = Math.max(hi, x[x.length - 1]);
                }
            }
            if (!(hi >= lo)) {
                continue;
            }
            double span = hi > lo ? hi - lo : 1;
            List<SvgCharts.Series> series = new ArrayList<>();
            for (Curve c : g.getValue()) {
                double[] x = c.x();
                for (int i = 0; i < x.length; i++) {
                    x[i] = (x[i] - lo) / span;
                }
                series.add(new SvgCharts.Series(c.name(), x, c.y()));
            }
            List<SvgCharts.Tick> ticks = new ArrayList<>();
            // Round values on the axis (whole steps or epochs), where the points really are.
            double step = SvgCharts.niceStep(span / 4);
            for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
                ticks.add(new SvgCharts.Tick((v - lo) / span, SvgCharts.tickText(v)));
            }
            Curve first = g.getValue().get(0);
            h.append(SvgCharts.lines(g.getKey(), first.xLabel(), first.yLabel(), series, ticks));
        }
        h.append("</div>\n");
    }

    private static double position(int k, int n) {
        return n == 1 ? 0.5 : (double) k / (n - 1);
    }

    private static String lambdaText(double l) {
        return l == Math.rint(l) && Math.abs(l) < 1e6 ? Long.toString((long) l) : Double.toString(l);
    }

    /** The summary metrics of the first task that has any (a one-task run's variant table). */
    private static List<Column> singleTaskColumns(List<MetricRecord> records) {
        for (MetricRecord r : records) {
            List<Column> out = new ArrayList<>();
            for (String m : SUMMARY_METRICS) {
                if (r.metrics().containsKey(m)) {
                    out.add(new Column(r.task(), m));
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return List.of();
    }

    private static List<String> models(List<MetricRecord> records) {
        Set<String> out = new LinkedHashSet<>();
        records.forEach(r -> out.add(r.model()));
        return new ArrayList<>(out);
    }

    private static double value(List<MetricRecord> records, String model, Column c, String segment) {
        for (MetricRecord r : records) {
            if (r.model().equals(model) && r.task().equals(c.task()) && r.segment().equals(segment)
                    && r.metrics().containsKey(c.metric())) {
                return r.get(c.metric());
            }
        }
        return Double.NaN;
    }

    private static void table(StringBuilder h, String caption, List<String> allModels, List<Column> allColumns,
                              List<MetricRecord> records, String segment) {
        // Columns no row of this table has (another task's metrics in a variant table) are left out.
        List<Column> columns = new ArrayList<>();
        for (Column c : allColumns) {
            for (String m : allModels) {
                if (Double.isFinite(value(records, m, c, segment))) {
                    columns.add(c);
                    break;
                }
            }
        }
        if (columns.isEmpty()) {
            return;
        }
        // So are rows without a value (a model known only from its routing points).
        List<String> rows = new ArrayList<>();
        for (String m : allModels) {
            for (Column c : columns) {
                if (Double.isFinite(value(records, m, c, segment))) {
                    rows.add(m);
                    break;
                }
            }
        }
        List<String> models = rows;
        double[][] v = new double[models.size()][columns.size()];
        for (int i = 0; i < models.size(); i++) {
            for (int j = 0; j < columns.size(); j++) {
                v[i][j] = value(records, models.get(i), columns.get(j), segment);
            }
        }
        h.append("<table>\n<caption>").append(Html.escape(caption)).append("</caption>\n<tr><th>model</th>");
        for (Column c : columns) {
            h.append("<th>").append(Html.escape(c.header())).append("</th>");
        }
        h.append("</tr>\n");
        for (int i = 0; i < models.size(); i++) {
            h.append("<tr><td>").append(Html.escape(models.get(i))).append("</td>");
            for (int j = 0; j < columns.size(); j++) {
                if (!Double.isFinite(v[i][j])) {
                    h.append("<td class=\"na\">–</td>");
                    continue;
                }
                int present = 0;
                boolean best = true;
                for (double[] row : v) {
                    if (Double.isFinite(row[j])) {
                        present++;
                        best &= !(row[j] > v[i][j]);
                    }
                }
                h.append("<td class=\"num").append(best && present > 1 ? " best" : "").append("\">")
                        .append(Html.number(v[i][j])).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }
}
