package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.bdlm.BdlmRun;
import org.tandemrec.collab.corella.CorellaRun;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.format.TandemDatasetFormat;
import org.tandemrec.data.synthetic.SyntheticTruth;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.eval.RunResults;
import org.tandemrec.llm.pretrain.Pretrainer;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitManifest;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/**
 * Runs an {@link Experiment} into a run directory:
 * <pre>
 * RUNDIR/experiment.yaml    the experiment with every default written out (written first)
 *        manifest.json      provenance, data hashes, seeds, start / resumptions / end, machine ({@link RunManifest})
 *        data/              the synthetic world (tandem format and truth.bin), when the data set is synthetic
 *        splits/NAME/       each split directory (its manifest.json holds every file's checksum)
 *        llm/               the small LLM pre-trained in the run (Hugging Face layout), when one is
 *        models/ID/         each model's run, with its own metrics.json, report.html and COMPLETE marker
 *        metrics.json       every model's records (no timings: two runs of one file give the same records)
 *        report.html
 *        COMPLETE           written last
 * </pre>
 * A directory that exists is refused unless it is empty or the run is resumed; resuming needs
 * the same resolved experiment, skips every model with its marker, and continues the others
 * from their checkpoints.
 */
final class ExperimentRun {
    static final String RESOLVED = "experiment.yaml";
    static final String COMPLETE = RunDirectory.COMPLETE;
    private static final String RESOLVED_HEADER = "# Written by tandem run: the experiment with every default spelled out.\n";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Experiment e;
    private final Path out;
    private final boolean resume;
    private final PrintWriter w;

    ExperimentRun(Experiment experiment, Path out, boolean resume, PrintWriter w) {
        this.e = experiment;
        this.out = out;
        this.resume = resume;
        this.w = w;
    }

    /** The resolved experiment as written to {@value #RESOLVED}. */
    static String resolvedText(Experiment e) throws IOException {
        return RESOLVED_HEADER + YAML.writeValueAsString(e.resolved());
    }

    /** Runs the experiment holding the run directory's lock: a second process on it is refused. */
    void run() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException(out + " is a file, not a run directory");
        }
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            runLocked();
        }
    }

    private void runLocked() throws IOException {
        long start = System.nanoTime();
        boolean resuming = prepare();
        if (resuming && RunDirectory.isComplete(out)) {
            PipelineStages.step(w, "%s is complete: nothing to resume", out);
            return;
        }
        RunManifest manifest = resuming ? RunManifest.resume(out, e) : RunManifest.start(e);
        manifest.write(out);

        Dataset d;
        SyntheticTruth truth = null;
        if (e.dataset().isSynthetic()) {
            SyntheticWorld world = SyntheticWorld.generate(e.dataset().synthetic());
            Path data = out.resolve("data");
            if (!Files.isRegularFile(data.resolve(TandemDatasetFormat.MANIFEST))) {
                DataSynthCommand.write(world, data);
            }
            d = world.dataset();
            truth = world.truth();
            manifest.data("synthetic world (data/)", files(data));
        } else {
            d = org.tandemrec.data.format.DatasetFormat.parse(e.dataset().format()).loadWithReport(e.dataset().path(),
                    e.dataset().options()).dataset();
            List<Path> read = new ArrayList<>(files(e.dataset().path()));
            if (e.dataset().options().amazonMetadata() != null) {
                read.add(e.dataset().options().amazonMetadata());
            }
            manifest.data(e.dataset().format() + " " + e.dataset().path(), read);
        }
        PipelineStages.step(w, "data: %s, %d users, %d items, %d interactions", e.dataset().format(), d.numUsers(),
                d.numItems(), d.interactions().size());
        List<String> filters = new ArrayList<>();
        if (e.kcore() != null) {
            d = e.kcore().apply(d);
            filters.add(e.kcore().toString());
            PipelineStages.step(w, "%s: %d users, %d items, %d interactions", e.kcore(), d.numUsers(), d.numItems(),
                    d.interactions().size());
        }

        Map<String, SplitData> splits = new LinkedHashMap<>();
        for (Experiment.Split s : e.splits().values()) {
            Path dir = splitDir(s.name());
            SplitData data = resuming ? existingSplit(dir) : null;
            if (data == null) {
                data = split(d, s, filters, dir);
                PipelineStages.step(w, "split %s (%s, %s, label rule %s): train %d, valid %d, test %d rows; %d top-K lists; "
                                + "%d CTR test rows", s.name(), s.config().protocol().id(), s.config().task().id(), s.labelRule(),
                        data.train().size(), data.valid().size(), data.test().size(), data.testCandidates().size(),
                        data.ctrTest().size());
            } else {
                PipelineStages.step(w, "split %s: written earlier, read back", s.name());
            }
            splits.put(s.name(), data);
            manifest.split(s.name(), dir);
        }
        manifest.write(out);

        Path llmDir = e.llm() == null ? null : llm(splits, manifest);
        List<MetricRecord> records = new ArrayList<>();
        List<Curve> curves = new ArrayList<>();
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        List<RunResults> runs = new ArrayList<>();
        for (Experiment.Model m : e.models()) {
            runs.add(model(m, splits, truth, llmDir, resuming));
        }
        runs = RowNames.keepApart(e.models(), runs);
        for (int k = 0; k < runs.size(); k++) {
            Experiment.Model m = e.models().get(k);
            RunResults r = runs.get(k);
            records.addAll(r.results());
            curves.addAll(r.curves());
            r.settings().forEach((name, values) -> settings.put(name.equals("bdlm") || name.equals("corella") ? m.id() : name,
                    values));
        }
        RunFiles.writeResults(out, e.name(), summary(), records, curves, settings);
        manifest.finish();
        manifest.write(out);
        AtomicFile.writeString(out.resolve(COMPLETE), "{\"complete\": true, \"finished\": \"" + Instant.now() + "\"}\n");
        PipelineStages.step(w, "done in %.0f s: %s and %s in %s", (System.nanoTime() - start) / 1e9,
                MetricsFile.FILE_NAME, HtmlReport.FILE_NAME, out);
    }

    /**
     * Checks the directory: a new or empty one gets the resolved experiment; an earlier run's is
     * resumed only with {@code --resume} and the same resolved experiment. Returns whether it resumes.
     */
    private boolean prepare() throws IOException {
        boolean used;
        try (Stream<Path> s = Files.isDirectory(out) ? Files.list(out) : Stream.empty()) {
            used = s.anyMatch(f -> !f.getFileName().toString().equals(DirectoryLock.FILE_NAME));
        }
        String resolved = resolvedText(e);
        if (used) {
            if (!resume) {
                throw new UsageException(out + ": the run directory exists and is not empty; give another --out,"
                        + " or --resume to continue the run in it");
            }
            Path f = out.resolve(RESOLVED);
            if (!Files.isRegularFile(f)) {
                throw new UsageException(out + ": not a directory of tandem run (" + RESOLVED
                        + " is missing): nothing to resume");
            }
            if (!Files.readString(f).equals(resolved)) {
                throw new UsageException(out + ": the experiment differs from the one this run started with ("
                        + f + "); resume with the same file, or give another --out");
            }
            PipelineStages.step(w, "resuming %s", out);
            return true;
        }
        Files.createDirectories(out);
        AtomicFile.writeString(out.resolve(RESOLVED), resolved);
        PipelineStages.step(w, "experiment %s (seed %d): %d split(s), %d model(s) -> %s", e.name(), e.seed(),
                e.splits().size(), e.models().size(), out);
        return false;
    }

    private Path splitDir(String name) {
        return out.resolve("splits").resolve(name);
    }

    /** A split written before the interruption, or null when it is missing or incomplete. */
    private static SplitData existingSplit(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(SplitManifest.FILE_NAME))) {
            return null;
        }
        try {
            return SplitDirectory.read(dir);
        } catch (IllegalArgumentException | org.tandemrec.data.DataFormatException ex) {
            return null;
        }
    }

    /** As {@code tandem split}: labels from the split's rule, the ratings kept beside them. */
    private SplitData split(Dataset d, Experiment.Split s, List<String> filters, Path dir) throws IOException {
        String path = e.dataset().isSynthetic() ? "data" : e.dataset().path().toString();
        SplitSource src = new SplitSource(d.name(), path, e.dataset().format(), filters, s.labelRule());
        if (s.labelRule().implicit()) {
            return SplitPlan.run(d, src, s.config(), dir);
        }
        InteractionTable ratings = d.interactions();
        return SplitPlan.run(d.withInteractions(s.labelRule().apply(ratings)), src, s.config(), dir, ratings);
    }

    /**
     * The LLM's directory: the one the experiment names, or the small model pre-trained here on
     * the training interactions shared by the splits the methods are scored on (so none of their
     * held-out interactions is in its corpus); a finished pre-training is kept on resuming.
     */
    private Path llm(Map<String, SplitData> splits, RunManifest manifest) throws IOException {
        if (e.llm().path() != null) {
            manifest.llm(e.llm().path(), Map.of());
            return e.llm().path();
        }
        Path dir = out.resolve("llm");
        Map<String, String> figures = Map.of();
        if (Files.isRegularFile(dir.resolve(Pretrainer.RUN_FILE)) && resume) {
            PipelineStages.step(w, "small LLM: pre-trained earlier, kept");
        } else {
            List<SplitData> used = new ArrayList<>();
            for (Experiment.Model m : e.models()) {
                if ((m.kind() == Experiment.Kind.BDLM || m.kind() == Experiment.Kind.CORELLA)
                        && !used.contains(splits.get(m.split()))) {
                    used.add(splits.get(m.split()));
                }
            }
            figures = PipelineStages.pretrainLlm(w, PipelineStages.sharedTraining(used), dir, e.llm().pretrain(), resume);
        }
        manifest.llm(dir, figures);
        manifest.write(out);
        return dir;
    }

    /** One model's run in {@code models/ID/}: skipped when its marker exists, its records either way. */
    private RunResults model(Experiment.Model m, Map<String, SplitData> splits, SyntheticTruth truth, Path llmDir,
                             boolean resuming) throws IOException {
        Path dir = out.resolve("models").resolve(m.dir());
        if (RunDirectory.isComplete(dir)) {
            PipelineStages.step(w, "%-12s finished earlier, skipped", m.dir());
            return withSeed(m, MetricsFile.read(dir.resolve(MetricsFile.FILE_NAME)));
        }
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        List<MetricRecord> records;
        switch (m.kind()) {
            case CRM -> {
                SplitData split = splits.get(m.split());
                CrmSpec spec = m.crm().forTrainingRows(CrmCatalog.positiveRows(split));
                Path splitDir = splitDir(m.split());
                records = TrainCrmCommand.trainInto(dir, m.id(), m.id(), spec, split, splitDir, resuming,
                        r -> PipelineStages.scoreCrm(r, m.id(), split));
            }
            case BDLM -> {
                BdlmRun.Result r = new BdlmRun(m.bdlm(), splitDir(m.split()), llmDir, dir, resuming, true, w).run();
                RunFiles.finishMethodRun(dir, "bdlm", splitDir(m.split()), llmDir, m.bdlm().toJson(), r.summary(),
                        r.timings(), r.records(), r.curves(), w);
                records = r.records();
            }
            case CORELLA -> {
                CorellaRun.Result r = new CorellaRun(m.corella(), splitDir(m.split()), llmDir, dir, resuming, true, w).run();
                RunFiles.finishMethodRun(dir, "corella", splitDir(m.split()), llmDir, m.corella().toJson(), r.summary(),
                        r.timings(), r.records(), r.curves(), w);
                records = r.records();
            }
            case ORACLE -> {
                records = new ArrayList<>();
                for (Map.Entry<String, SplitData> s : splits.entrySet()) {
                    if (m.split() == null || m.split().equals(s.getKey())) {
                        records.addAll(PipelineStages.oracle(truth, s.getValue()));
                    }
                }
                RunFiles.writeResults(dir, m.id(), Map.of("model", "oracle"), records);
            }
            default -> throw new IllegalStateException(m.kind().name());
        }
        RunDirectory.markComplete(dir);
        PipelineStages.step(w, "%-12s %-10s done in %.1f s  %s", m.dir(), m.split() == null ? "" : "(" + m.split() + ")",
                (System.nanoTime() - t0) / 1e9, headline(m, records));
        return withSeed(m, MetricsFile.read(dir.resolve(MetricsFile.FILE_NAME)));
    }

    /**
     * A model run of a seed list: its records carry the model's seed (they otherwise carry the
     * split's), so the runs of one model stay apart and the report can average them.
     */
    private static RunResults withSeed(Experiment.Model m, RunResults r) {
        if (m.seed() == null) {
            return r;
        }
        return new RunResults(r.run(), r.results().stream().map(x -> x.withSeed(m.seed())).toList(),
                r.curves().stream().map(c -> new Curve(c.group(), c.name() + " (seed " + m.seed() + ")", c.xLabel(), c.yLabel(),
                        c.x(), c.y())).toList(), r.settings());
    }

    /** A model's headline figures; of a method's comparison, those of the method's own models. */
    private static String headline(Experiment.Model m, List<MetricRecord> records) {
        List<String> own = new ArrayList<>();
        if (m.kind() == Experiment.Kind.BDLM) {
            for (String method : m.bdlm().methods()) {
                own.addAll(method.equals("bdlm") ? List.of("bdlm-llm", "bdlm-drs") : List.of(method));
            }
        } else if (m.kind() == Experiment.Kind.CORELLA) {
            own.addAll(m.corella().methods());
        }
        if (own.isEmpty()) {
            return PipelineStages.headline(records);
        }
        List<String> parts = new ArrayList<>();
        for (String name : own) {
            parts.add(name + ": " + PipelineStages.headline(records.stream().filter(r -> r.model().equals(name)).toList()));
        }
        return String.join("; ", parts);
    }

    /** The run's configuration as metrics.json records it: what was run, no timings and no paths of this run. */
    private Map<String, String> summary() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("experiment", e.name());
        c.put("seed", Long.toString(e.seed()));
        if (!e.seeds().isEmpty()) {
            c.put("model seeds", e.seeds().toString());
        }
        c.put("dataset", e.dataset().isSynthetic() ? String.format(Locale.ROOT, "synthetic, %d users, %d items",
                e.dataset().synthetic().users(), e.dataset().synthetic().items()) : e.dataset().format() + " "
                + e.dataset().path());
        if (e.kcore() != null) {
            c.put("filter", e.kcore().toString());
        }
        for (Experiment.Split s : e.splits().values()) {
            StringBuilder d = new StringBuilder(s.config().protocol().id() + ", task " + s.config().task().id());
            if (s.config().task().topK()) {
                d.append(String.format(Locale.ROOT, ", top-K lists of 1+%d %s negatives", s.config().negatives(),
                        s.config().sampler().id()));
            }
            if (s.config().task().ctr() && s.labelRule().implicit()) {
                d.append(", 1:1 ").append(s.config().ctrSampler().id()).append(" interaction negatives");
            }
            c.put("split " + s.name(), d.append(", label rule ").append(s.labelRule()).toString());
        }
        for (Experiment.Model m : e.models()) {
            c.put("model " + m.id(), m.name() + (m.split() == null ? "" : " on " + m.split()));
        }
        return c;
    }

    /** A data path's files: the file itself, or a directory's regular files in name order. */
    private static List<Path> files(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
