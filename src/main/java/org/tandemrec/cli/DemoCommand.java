package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.tandemrec.base.SideBySide;
import org.tandemrec.base.UsageException;
import org.tandemrec.collab.bdlm.BdlmRun;
import org.tandemrec.collab.bdlm.BdlmSettings;
import org.tandemrec.collab.corella.CorellaRun;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.Recommender;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;
import org.tandemrec.train.EpochLog;
import org.tandemrec.train.TrainHooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem demo}: the whole pipeline on the embedded synthetic world. It generates the world,
 * makes BDLM's leave-one-out split (top-K with popularity + text-similarity negatives, 1:1
 * interaction prediction) and CoReLLa's global time split (CTR with rating ≥ 4 positive), trains
 * the conventional models of {@link #TOPK_MODELS} on the first and {@link #CTR_MODELS} on the
 * second (side by side, one per core), scores each and the ground-truth oracle on its split's fixed test sets, pre-trains the
 * small LLM on the text of the training interactions both splits share, runs BDLM on the first
 * split and CoReLLa on the second with it, and writes {@code metrics.json} and {@code
 * report.html}. The run directory appears only when complete.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on the embedded synthetic world; writes RUN/metrics.json and RUN/report.html.")
public final class DemoCommand implements Callable<Integer> {
    /** Models trained on the leave-one-out split (top-K and interaction prediction). */
    static final List<String> TOPK_MODELS = List.of("random", "pop", "mf-bpr", "neumf", "lightgcn", "sasrec",
            "gru4rec", "bert4rec");
    /** Models trained on the time split (CTR with explicit labels). */
    static final List<String> CTR_MODELS = List.of("random", "pop", "mf-bce", "dcnv2");

    private static final int DEMO_MAX_EPOCHS = 40;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "RUN", description = "run directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the world, splits and models (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    SyntheticWorldOptions size;

    @Option(names = "--epochs-scale", defaultValue = "1.0", paramLabel = "F",
            description = "multiply every model's epochs by F (e.g. 0.2 for a quick look)")
    double epochsScale;

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "only these models (default: all of " + "random, pop, mf-bpr, neumf, lightgcn, sasrec, gru4rec, "
                    + "bert4rec on the leave-one-out split; random, pop, mf-bce, dcnv2 on the time split)")
    List<String> only;

    @Option(names = "--llm-steps", paramLabel = "N",
            description = "pre-training steps of the small LLM (default: " + PretrainConfig.DEMO_STEPS
                    + ", about 1.5 minutes on two cores; the same seed gives the same model; 0 skips it)")
    Integer llmSteps;

    @Option(names = "--bdlm-positions", defaultValue = "300", paramLabel = "N",
            description = "BDLM on the leave-one-out split with the small LLM: training positions of each variant "
                    + "(default ${DEFAULT-VALUE}; 0 skips BDLM)")
    int bdlmPositions;

    @Option(names = "--bdlm-users", defaultValue = "100", paramLabel = "N",
            description = "test users BDLM's comparison is scored on, a seeded sample (default ${DEFAULT-VALUE}); half as "
                    + "many validation users")
    int bdlmUsers;

    @Option(names = "--corella-samples", defaultValue = "200", paramLabel = "N",
            description = "CoReLLa on the time split with the small LLM: rows of its joint stage and as many of its "
                    + "LLM stage (default ${DEFAULT-VALUE}; 0 skips CoReLLa)")
    int corellaSamples;

    @Option(names = "--corella-rows", defaultValue = "300", paramLabel = "N",
            description = "test rows CoReLLa's comparison is scored on, a seeded sample (default ${DEFAULT-VALUE}); half "
                    + "as many validation rows")
    int corellaRows;

    @Option(names = "--llm-minutes", paramLabel = "M",
            description = "time budget for pre-training the small LLM: training stops at the deadline, and without "
                    + "--llm-steps the step count is planned to fit it (default: none)")
    Double llmMinutes;

    @Override
    public Integer call() throws Exception {
        if (llmSteps != null && (llmSteps < 0 || llmSteps > 1_000_000)) {
            throw new UsageException("--llm-steps must be in [0, 1000000], got " + llmSteps);
        }
        if (bdlmUsers < 2 || bdlmUsers > 1_000_000) {
            throw new UsageException("--bdlm-users must be in [2, 1000000], got " + bdlmUsers);
        }
        if (bdlmPositions < 0 || bdlmPositions > 1_000_000) {
            throw new UsageException("--bdlm-positions must be in [0, 1000000], got " + bdlmPositions);
        }
        if (corellaSamples < 0 || corellaSamples > 1_000_000) {
            throw new UsageException("--corella-samples must be in [0, 1000000], got " + corellaSamples);
        }
        if (corellaRows < 2 || corellaRows > 1_000_000) {
            throw new UsageException("--corella-rows must be in [2, 1000000], got " + corellaRows);
        }
        if (llmMinutes != null && (!(llmMinutes > 0) || llmMinutes > 60)) {
            throw new UsageException("--llm-minutes must be in (0, 60], got " + llmMinutes);
        }
        if (!(epochsScale > 0) || epochsScale > 10) {
            throw new UsageException("--epochs-scale must be in (0, 10], got " + epochsScale);
        }
        if (only != null) {
            for (String m : only) {
                if (!TOPK_MODELS.contains(m) && !CTR_MODELS.contains(m)) {
                    throw new UsageException("--models: unknown model '" + m + "'");
                }
            }
        }
        long start = System.nanoTime();
        try (RunDirectory run = RunDirectory.begin(out)) {
            return demo(run, start);
        }
    }

    /** The pipeline into {@code run}'s partial directory, published when complete. */
    private Integer demo(RunDirectory run, long start) throws Exception {
        Path dir = run.dir();
        PrintWriter w = spec.commandLine().getOut();

        SyntheticConfig worldConfig = DataSynthCommand.configFor(seed, size.users, size.items, null);
        SyntheticWorld world = SyntheticWorld.generate(worldConfig);
        DataSynthCommand.write(world, dir.resolve("data"));
        Dataset d = world.dataset();
        PipelineStages.step(w, "world: %d users, %d items, %d interactions, oracle AUC %.4f", d.numUsers(), d.numItems(),
                d.interactions().size(), world.stats().oracleAuc());

        SplitData loo = SplitPlan.run(d, new SplitSource(d.name(), "data", "tandem", List.of(), LabelRule.implicitFeedback()),
                SplitConfig.defaults().withSeed(seed), dir.resolve("split-loo"));
        PipelineStages.step(w, "leave-one-out split: %d top-K lists of 1+%d, %d interaction-prediction rows", loo.testCandidates().size(),
                loo.testCandidates().negativesPerList(), loo.ctrTest().size());
        LabelRule liked = LabelRule.atLeast(4);
        Dataset labelled = d.withInteractions(liked.apply(d.interactions()));
        SplitData time = SplitPlan.run(labelled, new SplitSource(d.name(), "data", "tandem", List.of(), liked),
                SplitConfig.corella().withSeed(seed), dir.resolve("split-time"), d.interactions());
        PipelineStages.step(w, "time split 80/10/10: %d train, %d CTR test rows", time.train().size(), time.ctrTest().size());

        List<MetricRecord> records = new ArrayList<>();
        List<Curve> curves = new ArrayList<>();
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        // The truth is the probability of liking an item, so it is the ceiling of the CTR task only;
        // which items a user meets at all is driven by exposure, which the truth does not score.
        records.addAll(PipelineStages.oracle(world.truth(), loo));
        records.addAll(PipelineStages.oracle(world.truth(), time));
        // The conventional models train side by side, one per core (each with its own seed: the
        // models one at a time would give), the sequence models first as the longest; their rows
        // go in the lists' order.
        List<String> names = new ArrayList<>();
        List<SplitData> splits = new ArrayList<>();
        for (String model : TOPK_MODELS) {
            if (only == null || only.contains(model)) {
                names.add(model);
                splits.add(loo);
            }
        }
        for (String model : CTR_MODELS) {
            if (only == null || only.contains(model)) {
                names.add(model);
                splits.add(time);
            }
        }
        int threads = SideBySide.threadsFor(names.size());
        List<SideBySide.Job<Trained>> jobs = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            String model = names.get(k);
            SplitData split = splits.get(k);
            Path splitDir = dir.resolve(split == loo ? "split-loo" : "split-time");
            jobs.add(() -> trainAndEvaluate(w, model, split, splitDir, dir, threads == 1));
        }
        for (Trained t : SideBySide.run(jobs, threads, CrmCatalog.longestFirst(names))) {
            records.addAll(t.records());
            if (t.validation() != null) {
                curves.add(t.validation());
            }
            settings.putIfAbsent(t.model(), t.settings());
        }

        Map<String, String> config = new LinkedHashMap<>();
        Map<String, String> timings = new LinkedHashMap<>();
        int steps = llmSteps != null ? llmSteps : llmMinutes != null ? 0 : PretrainConfig.DEMO_STEPS;
        if (steps > 0 || llmMinutes != null) {
            PretrainConfig llm = PretrainConfig.demo(seed).withContext(PipelineStages.LLM_CONTEXT)
                    .withBudget(steps, llmMinutes == null ? 0 : llmMinutes);
            config.putAll(PipelineStages.pretrainLlm(w, PipelineStages.sharedTraining(List.of(loo, time)),
                    dir.resolve("llm"), llm, false));
            if (bdlmPositions > 0) {
                BdlmSettings bdlm = bdlmSettings();
                settings.put("bdlm", RunFiles.settingsText(bdlm.toJson()));
                BdlmRun.Result b = new BdlmRun(bdlm, dir.resolve("split-loo"), dir.resolve("llm"),
                        dir.resolve("bdlm"), false, true, w).run();
                Set<String> shared = RowNames.names(b.records());
                shared.retainAll(RowNames.names(records));
                records.addAll(RowNames.records(b.records(), "bdlm", shared));
                curves.addAll(RowNames.curves(b.curves(), "bdlm", shared));
                b.summary().forEach((k, v) -> config.put("bdlm " + k, v));
                b.timings().forEach((k, v) -> timings.put("bdlm " + k, v));
            }
            if (corellaSamples > 0) {
                CorellaSettings corella = corellaSettings();
                settings.put("corella", RunFiles.settingsText(corella.toJson()));
                CorellaRun.Result c = new CorellaRun(corella, dir.resolve("split-time"), dir.resolve("llm"),
                        dir.resolve("corella"), false, true, w).run();
                Set<String> shared = RowNames.names(c.records());
                shared.retainAll(RowNames.names(records));
                records.addAll(RowNames.records(c.records(), "corella", shared));
                curves.addAll(RowNames.curves(c.curves(), "corella", shared));
                c.summary().forEach((k, v) -> config.put("corella " + k, v));
                c.timings().forEach((k, v) -> timings.put("corella " + k, v));
            }
        }
        config.put("dataset", "synthetic");
        config.put("seed", Long.toString(seed));
        config.put("users", Integer.toString(worldConfig.users()));
        config.put("items", Integer.toString(worldConfig.items()));
        config.put("topk split", "leave-one-out, 1+19 mixed popularity/text negatives (BDLM)");
        config.put("ctr split", "global time 80/10/10, rating >= 4 positive (CoReLLa)");
        config.put("epochs scale", Double.toString(epochsScale));
        RunFiles.writeTimings(dir, timings);
        RunFiles.writeResults(dir, out.getFileName().toString(), config, records, curves, settings);
        run.publish();
        PipelineStages.step(w, "done in %.0f s: %s and %s in %s", (System.nanoTime() - start) / 1e9, MetricsFile.FILE_NAME,
                HtmlReport.FILE_NAME, run.target());
        return 0;
    }

    /**
     * A conventional model's rows, its validation metric by epoch (one chart per split and metric:
     * the models' losses differ in kind and scale, their validation metric does not; null when
     * not validated) and its settings.
     */
    private record Trained(String model, List<MetricRecord> records, Curve validation, Map<String, String> settings) {
    }

    /** Trains and scores one conventional model (a progress bar only when {@code bar}; log lines otherwise). */
    private Trained trainAndEvaluate(PrintWriter w, String model, SplitData split, Path splitDir, Path dir, boolean bar)
            throws IOException {
        CrmSpec defaults = CrmSpec.defaults(model);
        // The demo caps epochs so the sequential models (150 by default) stay within minutes.
        int epochs = Math.max(1, (int) Math.round(Math.min(DEMO_MAX_EPOCHS, defaults.train().epochs()) * epochsScale));
        CrmSpec crm = new CrmSpec(model, defaults.dim(), defaults.train().toBuilder().epochs(epochs).seed(seed).build(),
                defaults.options());
        long t0 = System.nanoTime();
        double[] valid = new double[epochs];
        java.util.Arrays.fill(valid, Double.NaN);
        Recommender m = CrmCatalog.train(crm, split, new TrainHooks(null, null, false, bar)
                .withEpochListener((epoch, loss, metric) -> valid[epoch] = metric));
        String metric = CrmCatalog.validationMetric(model, split);
        // The demo's labelled split is the time split, its implicit one leave-one-out.
        String splitName = split.manifest().source().explicitLabels() ? "time split" : "leave-one-out split";
        Curve validation = metric == null ? null : EpochLog.curve("validation " + metric + " by epoch (" + splitName
                + ")", model, metric, valid);
        List<MetricRecord> out = PipelineStages.scoreCrm(m, model, split);
        m.save(dir.resolve("models").resolve(CrmEvaluation.ctrTaskName(split) + "-" + model + ".bin"),
                Optional.of(SplitIdentity.of(splitDir, split)));
        PipelineStages.step(w, "%-9s %-12s trained and scored in %.1f s  %s", model, CrmEvaluation.ctrTaskName(split) + " split",
                (System.nanoTime() - t0) / 1e9, PipelineStages.headline(out));
        return new Trained(model, out, validation, RunFiles.settingsText(TrainCrmCommand.settingsJson(crm)));
    }

    /**
     * BDLM at the demo's size: every variant on {@link #bdlmPositions} training positions and one
     * round, its CRM with the demo's epochs, scored on a sample of {@link #bdlmUsers} test users
     * (the CRM baselines are the demo's own, on every user); the text-only variant gives
     * InstructRec, the other ablations are left to {@code tandem bdlm}.
     */
    private BdlmSettings bdlmSettings() {
        CrmSpec lightGcn = CrmSpec.defaults("lightgcn");
        int crmEpochs = Math.max(1, (int) Math.round(Math.min(DEMO_MAX_EPOCHS, lightGcn.train().epochs()) * epochsScale));
        return BdlmSettings.defaults().with("demo", new ObjectMapper().createObjectNode()
                .put("train_positions", bdlmPositions).put("drs_positions", bdlmPositions).put("rounds", 1)
                .put("crm_epochs", crmEpochs).put("eval_users", bdlmUsers).put("valid_users", Math.max(1, bdlmUsers / 2))
                .put("ablations", false).put("seed", seed).set("baselines", new ObjectMapper().createArrayNode()));
    }

    /**
     * CoReLLa at the demo's size: {@link #corellaSamples} rows in each LLM stage, DCNv2 with the
     * demo's epochs, scored on {@link #corellaRows} sampled test rows; no ablations, and no further
     * click models (the demo's own are on the whole time split).
     */
    private CorellaSettings corellaSettings() {
        CrmSpec dcn = CrmSpec.defaults("dcnv2");
        int crmEpochs = Math.max(1, (int) Math.round(Math.min(DEMO_MAX_EPOCHS, dcn.train().epochs()) * epochsScale));
        return CorellaSettings.defaults().with("demo", new ObjectMapper().createObjectNode()
                .put("joint_samples", corellaSamples).put("llm_samples", corellaSamples).put("crm_epochs", crmEpochs)
                .put("eval_rows", corellaRows).put("valid_rows", Math.max(2, corellaRows / 2)).put("seed", seed)
                .set("baselines", new ObjectMapper().createArrayNode()));
    }
}
