package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.DatasetStats;
import org.tandemrec.data.KCoreFilter;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.format.LoadReport;
import org.tandemrec.data.format.LoadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/** {@code tandem data stats}: loads a data set and prints its size, sparsity and count quantiles. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print users, items, interactions, sparsity, positive share and interaction quantiles.")
public final class DataStatsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataSourceOptions source;

    @Mixin
    FilterAndLabelOptions filter;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() throws Exception {
        LabelRule rule = filter.labelRule();
        KCoreFilter kcore = filter.kcoreFilter();
        LoadResult loaded = source.load();
        Dataset d = kcore == null ? loaded.dataset() : kcore.apply(loaded.dataset());
        DatasetStats s = DatasetStats.of(d, rule);
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json ? json(s, loaded, kcore) : table(s, loaded, kcore));
        out.flush();
        return 0;
    }

    static String json(DatasetStats s, LoadResult loaded, KCoreFilter filter) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("name", s.name());
        o.put("users", s.users());
        o.put("items", s.items());
        o.put("interactions", s.interactions());
        o.put("sparsity", s.sparsity());
        o.put("label_rule", s.labelRule().toString());
        o.put("positives", s.positives());
        o.put("positive_share", s.positiveShare());
        o.put("skipped_lines", loaded.report().skippedLines());
        o.put("items_without_info", loaded.report().itemsWithoutInfo());
        o.put("users_without_profile", loaded.report().usersWithoutProfile());
        o.put("dropped_item_rows", loaded.report().droppedMetadataItems());
        o.put("dropped_user_rows", loaded.report().droppedMetadataUsers());
        if (filter != null) {
            o.put("kcore_user", filter.userK());
            o.put("kcore_item", filter.itemK());
        }
        quantiles(o.putObject("interactions_per_item"), s.perItem());
        quantiles(o.putObject("interactions_per_user"), s.perUser());
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    }

    private static void quantiles(ObjectNode o, DatasetStats.Quantiles q) {
        o.put("min", q.min());
        o.put("p25", q.p25());
        o.put("p50", q.p50());
        o.put("p75", q.p75());
        o.put("p90", q.p90());
        o.put("p99", q.p99());
        o.put("max", q.max());
    }

    static String table(DatasetStats s, LoadResult loaded, KCoreFilter filter) {
        StringBuilder sb = new StringBuilder();
        row(sb, "dataset", s.name());
        if (filter != null) {
            row(sb, "filter", filter.toString());
        }
        row(sb, "users", Integer.toString(s.users()));
        row(sb, "items", Integer.toString(s.items()));
        row(sb, "interactions", Long.toString(s.interactions()));
        row(sb, "sparsity", String.format(Locale.ROOT, "%.6f", s.sparsity()));
        row(sb, "positives", String.format(Locale.ROOT, "%d (%.2f%%, label rule %s)", s.positives(),
                100 * s.positiveShare(), s.labelRule()));
        row(sb, "skipped lines", Long.toString(loaded.report().skippedLines()));
        LoadReport r = loaded.report();
        row(sb, "items without info", r.itemsWithoutInfo() + " (item side rows without interactions: "
                + r.droppedMetadataItems() + ")");
        row(sb, "users without profile", r.usersWithoutProfile() + " (user side rows without interactions: "
                + r.droppedMetadataUsers() + ")");
        sb.append(String.format(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s %8s %8s%n", "interactions per",
                "min", "25%", "50%", "75%", "90%", "99%", "max"));
        quantileRow(sb, "  item", s.perItem());
        quantileRow(sb, "  user", s.perUser());
        return sb.toString();
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-22s %s%n", key, value));
    }

    private static void quantileRow(StringBuilder sb, String label, DatasetStats.Quantiles q) {
        sb.append(String.format(Locale.ROOT, "%-22s %8s %8s %8s %8s %8s %8s %8s%n", label, num(q.min()), num(q.p25()),
                num(q.p50()), num(q.p75()), num(q.p90()), num(q.p99()), num(q.max())));
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
