package org.tandemrec.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.base.Directories;
import org.tandemrec.bench.LoadBenchmark;
import org.tandemrec.bench.MetricsBenchmark;
import org.tandemrec.bench.TextNegativesBenchmark;
import org.tandemrec.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/**
 * {@code tandem bench data}: the data-path figures (load time and memory, AUC over 10M scores,
 * text-similarity negatives). Each {@link Figures} source gets a scratch directory for the inputs
 * it writes, removed afterwards; to add a figure, add a source to {@link #SOURCES}.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Time loading 1M interactions (CSV and ratings.dat), retained heap per interaction, AUC over 10M "
                + "scores and text-similarity negatives for 10k items.")
public final class BenchDataCommand implements Callable<Integer> {
    /** A group of named figures measured in a scratch directory. */
    @FunctionalInterface
    interface Figures {
        Map<String, Double> measure(Path scratch) throws Exception;
    }

    static final List<Figures> SOURCES = List.of(BenchDataCommand::loadFigures,
            scratch -> Map.of("auc_10m_s", MetricsBenchmark.auc10mSeconds(42)),
            scratch -> Map.of(TextNegativesBenchmark.KEY, TextNegativesBenchmark.textNegatives10kItemsSeconds()));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Figures source : SOURCES) {
            Path scratch = Files.createTempDirectory("tandem-bench");
            try {
                figures.putAll(source.measure(scratch));
            } finally {
                Directories.deleteTree(scratch);
            }
        }
        output.print(spec.commandLine().getOut(), figures, 32, "%.3f");
        return 0;
    }

    static Map<String, Double> loadFigures(Path scratch) throws Exception {
        LoadBenchmark.Result r = LoadBenchmark.standard().run(scratch);
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("load_1m_s", r.loadSeconds());
        f.put("load_1m_csv_s", r.csvSeconds());
        f.put("load_1m_ml1m_s", r.ml1mSeconds());
        f.put("heap_bytes_per_interaction", r.heapBytesPerInteraction());
        return f;
    }
}
