package org.tandemrec.collab.corella;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.tandemrec.base.Directories;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.base.SideBySide;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.KeptCrms;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.ctr.CtrModel;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.eval.ConfidenceBuckets;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.Provenance;
import org.tandemrec.eval.RoutingCurve;
import org.tandemrec.eval.SegmentedEvaluator;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftMemory;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.CorellaPrompts;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.prompt.PromptStyle;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;

/**
 * CoReLLa end to end on a CTR split (arXiv 2403.16378): stage 1 trains DCNv2 on every training
 * row; stage 2 trains the LLM (LoRA) and a copy of that DCNv2 together on a seeded sample with
 * α·L_llm + β·L_crm + γ·L_cal; stage 3 trains the LLM alone on a fresh sample; at inference the
 * {@link EntropyRouter} sends the jointly trained DCNv2's least confident requests to the LLM, the
 * budget chosen on validation AUC. Both sides' probabilities are Platt-calibrated on the validation
 * rows before routing (hard replacement mixes their answers, so they must mean the same thing), the
 * LLM on the rows the budget routes to it ({@link RoutedCalibration}).
 *
 * <p>Records, on a seeded sample of test rows scored by every model and segmented by stage 1's
 * DCNv2 confidence (entropy terciles, q1 the most confident), warm / cold items and user activity:
 * {@code dcnv2}, further click CRMs, {@code tallrec} (the LLM tuned alone on the stage-2 and
 * stage-3 samples), {@code corella} at its budget, its parts {@code corella-no-mix} (the joint
 * DCNv2 alone) and {@code corella-llm}, the per-request oracle {@code corella-oracle} (the better
 * of the two answers: the bound routing cannot pass), the routing curve {@code route@F}, and with
 * ablations {@code corella-no-stage1/-no-stage2/-no-stage3/-no-align}. Stages checkpoint in
 * {@code checkpoints/}; the tuned adapter is saved in PEFT layout and the DCNv2 beside it.
 */
public final class CorellaRun {
    /** Every record, what was trained (for the run's summary), and the stages' losses by step. */
    public record Result(List<MetricRecord> records, Map<String, String> summary, Map<String, String> timings,
                         List<Curve> curves) {
    }

    /** Which stages a variant runs and whether stage 2 aligns; its models are {@code corella} + suffix. */
    record Variant(String suffix, boolean stage1, boolean stage2, boolean stage3, boolean align) {
        String name() {
            return "corella" + suffix;
        }
    }

    private static final int BUCKETS = 3;
    private static final int SCORE_BATCH = 16;
    /** The tuned adapter's directory in the run, with the jointly trained DCNv2 and the cascade file. */
    public static final String ADAPTER_DIR = "corella-llm";
    public static final String CRM_FILE = "corella-dcnv2.bin";

    private final CorellaSettings s;
    private final Path splitDir;
    private final Path llmDir;
    private final Path out;
    private final boolean resume;
    private final boolean showProgress;
    private final PrintWriter log;
    private final FreeSpace freeSpace;

    public CorellaRun(CorellaSettings settings, Path splitDir, Path llmDir, Path out, boolean resume,
                      boolean showProgress, PrintWriter log) {
        this(settings, splitDir, llmDir, out, resume, showProgress, log, FreeSpace.SYSTEM);
    }

    /** As the constructor above, with the run directory's free disk from {@code freeSpace}. */
    public CorellaRun(CorellaSettings settings, Path splitDir, Path llmDir, Path out, boolean resume,
                      boolean showProgress, PrintWriter log, FreeSpace freeSpace) {
        this.s = settings;
        this.splitDir = splitDir;
        this.llmDir = llmDir;
        this.out = out;
        this.resume = resume;
        this.showProgress = showProgress;
        this.log = log;
        this.freeSpace = freeSpace;
    }

    /** What the run holds while it scores: the split, its examples and the evaluation rows. */
    private record Data(SplitData split, ClickExamples.Parts parts, ClickExamples valid, ClickExamples test,
                        List<String[]> segments, String splitName) {
    }

    public Result run() throws IOException {
        SplitData split = SplitDirectory.read(splitDir);
        if (!split.config().task().ctr() || !split.manifest().source().explicitLabels()) {
            throw new UsageException(splitDir + ": CoReLLa needs a CTR split with labels from ratings (split"
                    + " with --protocol time --task ctr --label-rule '>=4')");
        }
        if (split.itemInfo().stream().map(ItemInfo::title).allMatch(String::isEmpty)) {
            throw new UsageException(splitDir + ": the items have no titles, and CoReLLa's prompts show them");
        }
        if (s.runs("tallrec") || s.runs("corella")) {
            // Before stage 1 trains anything: the LLM's LoRA training must fit in memory, its adapter on disk.
            LlamaConfig declared = LlamaConfig.load(llmDir);
            int longest = s.tokenBudget() > 0 ? Math.min(s.tokenBudget(), declared.maxPositionEmbeddings())
                    : declared.maxPositionEmbeddings();
            SftMemory memory = new SftMemory(declared, s.sft(), 0, longest);
            memory.check(AvailableMemory.now(), llmDir, 3);
            memory.footprint("CoReLLa's LoRA training", false, false, true).checkDisk(out, freeSpace.bytes(out),
                    Directories.size(out.resolve("checkpoints")));
        }
        Files.createDirectories(out.resolve("checkpoints"));
        ClickExamples.Parts parts = ClickExamples.of(split, s.historyItems(), s.minHistory());
        if (parts.train().size() == 0 || parts.valid().size() == 0 || parts.test().size() == 0) {
            throw new UsageException(splitDir + ": no rows left with min_history " + s.minHistory() + " (train "
                    + parts.train().size() + ", valid " + parts.valid().size() + ", test " + parts.test().size() + ")");
        }
        ClickExamples test = s.evalRows() == 0 ? parts.test() : parts.test().select(parts.test().sample(s.evalRows(), s.seed(), null));
        ClickExamples valid = parts.valid().select(parts.valid().sample(s.validRows(), s.seed() + 1, null));
        String splitName = split.config().protocol().id() + (test.size() < parts.test().size() ? "@" + test.size() : "");
        List<MetricRecord> records = new ArrayList<>();
        List<Curve> curves = new ArrayList<>();
        Map<String, String> summary = new LinkedHashMap<>();
        Map<String, String> timings = new LinkedHashMap<>();
        summary.put("examples", String.format(Locale.ROOT, "%d train, %d of %d validation, %d of %d test rows (min_history %d)",
                parts.train().size(), valid.size(), parts.valid().size(), test.size(), parts.test().size(), s.minHistory()));

        step("stage 1: DCNv2 on all %d training rows", split.train().size());
        DcnV2 dcnv2 = stage1(split, curves);
        float[] dcnTest = CalibratedScorers.of(dcnv2, valid).scorer().score(test);
        List<String[]> segments = new ArrayList<>();
        segments.add(ConfidenceBuckets.names(ConfidenceBuckets.assign(dcnTest, BUCKETS)));
        segments.addAll(CrmEvaluation.segmentations(split, test.users(), test.items()));
        Data data = new Data(split, parts, valid, test, segments, splitName);
        records.addAll(records(data, "dcnv2", dcnTest));
        // Side by side, one per core (each has its own seed: the models one at a time would give);
        // two progress bars cannot share a terminal line, so then progress goes to the log.
        List<String> baselines = s.baselines();
        int crmThreads = SideBySide.threadsFor(baselines.size());
        if (!baselines.isEmpty()) {
            step("baselines %s%s", String.join(", ", baselines), crmThreads > 1 ? " (" + crmThreads + " side by side)" : "");
        }
        KeptCrms kept = kept(split);
        List<SideBySide.Job<Recommender>> jobs = new ArrayList<>();
        for (String b : baselines) {
            jobs.add(() -> kept.trainOrLoad(spec(b), showProgress && crmThreads == 1));
        }
        List<Recommender> trained = SideBySide.run(jobs, crmThreads, CrmCatalog.longestFirst(baselines));
        for (int k = 0; k < baselines.size(); k++) {
            String b = baselines.get(k);
            Recommender r = trained.get(k);
            curves.addAll(kept.curves(spec(b)));
            // Click models read each row's own history, as DCNv2 does here.
            records.addAll(records(data, b, r instanceof CtrModel<?, ?> c ? c.scoreExamples(test.users(), test.items(),
                    test.histories()) : r.score(test.users(), test.items())));
        }

        try (NDManager m = TensorDevice.newManager(); DecoderWeights base = DecoderWeights.load(llmDir, m);
             LlmTokenizer tok = LlmTokenizer.load(llmDir, base.config().vocabSize())) {
            PromptStyle style = idTokenStyle(tok, split);
            int budget = s.tokenBudget() > 0 ? Math.min(s.tokenBudget(), base.config().maxPositionEmbeddings())
                    : base.config().maxPositionEmbeddings();
            CorellaPrompts prompts = new CorellaPrompts(CascadeFile.promptConfig(s.historyItems(), budget - 2),
                    split.itemInfo(), split.userProfiles(), text -> tok.encode(text).length);
            summary.put("prompts", style == PromptStyle.ID_TOKENS
                    ? "with the LLM's <uid_k>/<iid_k> tokens (a BDLM-tuned model): both methods at once" : "text");
            int[] jointRows = parts.train().sample(s.jointSamples(), s.seed() + 2, null);
            boolean[] used = new boolean[parts.train().size()];
            for (int r : jointRows) {
                used[r] = true;
            }
            int[] llmRows = parts.train().sample(s.llmSamples(), s.seed() + 3, used);
            ClickExamples joint = parts.train().select(jointRows);
            ClickExamples alone = parts.train().select(llmRows);

            // The LLM's phases take every core when the model is large enough; stage 1 kept the
            // launcher's count, at which DCNv2's small products run several times faster.
            try (TorchThreads.Scope threads = TorchThreads.forModel(base.config())) {
                if (s.runs("tallrec")) {
                    step("TALLRec: the LLM tuned alone (LoRA) on the same %d + %d rows", joint.size(), alone.size());
                    try (LoraAdapter tallrec = LoraAdapter.create(base, loraConfig(), s.seed(), m)) {
                        ClickLanguageModel lm = new ClickLanguageModel(new Decoder(base, tallrec), tok, prompts, style,
                                SCORE_BATCH);
                        int[] both = Arrays.copyOf(jointRows, jointRows.length + llmRows.length);
                        System.arraycopy(llmRows, 0, both, jointRows.length, llmRows.length);
                        curves.addAll(llmAlone("tallrec", base, tallrec, lm, parts.train().select(both), m));
                        Cascade.Scorer llm = CalibratedScorers.of(lm, valid, m).scorer();
                        records.addAll(records(data, "tallrec", llm.score(test)));
                    }
                }

                List<Variant> variants = new ArrayList<>();
                if (s.runs("corella")) {
                    variants.add(new Variant("", true, true, true, true));
                }
                if (s.runs("corella") && s.ablations()) {
                    variants.add(new Variant("-no-stage1", false, true, true, true));
                    variants.add(new Variant("-no-stage2", true, false, true, true));
                    variants.add(new Variant("-no-stage3", true, true, false, true));
                    variants.add(new Variant("-no-align", true, true, true, false));
                }
                for (Variant v : variants) {
                    step("%s: stages %s%s%s%s", v.name(), v.stage1() ? "1 " : "", v.stage2() ? "2 " : "", v.stage3() ? "3" : "",
                            v.stage2() && !v.align() ? " (γ = 0)" : "");
                    runVariant(v, data, dcnv2, base, tok, prompts, style, joint, alone, records, curves, summary, timings, m);
                }
            }
        }
        return new Result(records, summary, timings, curves);
    }

    /**
     * Stage 1: DCNv2 on every training row, kept as {@code dcnv2.bin} (a resumed run loads it);
     * its training loss and validation AUC by epoch go to {@code curves}.
     */
    private DcnV2 stage1(SplitData split, List<Curve> curves) throws IOException {
        KeptCrms kept = kept(split);
        DcnV2 d = (DcnV2) kept.trainOrLoad(spec("dcnv2"), out.resolve("dcnv2.bin"), out.resolve("checkpoints/stage1.ckpt"),
                showProgress);
        curves.addAll(kept.curves(spec("dcnv2")));
        return d;
    }

    private KeptCrms kept(SplitData split) {
        return new KeptCrms(out, splitDir, split, resume, line -> step("%s", line));
    }

    private CrmSpec spec(String model) {
        CrmSpec d = CrmSpec.defaults(model);
        TrainConfig t = s.crmEpochs() > 0 ? d.train().toBuilder().epochs(s.crmEpochs()).build() : d.train();
        return new CrmSpec(model, d.dim(), t.toBuilder().seed(s.seed()).build(), d.options());
    }

    /**
     * ID-token prompts when the LLM's tokenizer holds a token for every user and item of the split
     * and, where the model says which split its tokens index ({@link IdTokens#SPLIT_FILE}, as a
     * {@code tandem bdlm} model does), that split has this one's users and items in the same order.
     */
    private PromptStyle idTokenStyle(LlmTokenizer tok, SplitData split) throws IOException {
        Map<String, Integer> added = tok.addedTokens();
        if (added.keySet().stream().noneMatch(IdTokens::looksLikeIdToken)) {
            return PromptStyle.TEXT_ONLY;
        }
        Path recorded = llmDir.resolve(IdTokens.SPLIT_FILE);
        if (Files.isRegularFile(recorded)) {
            String ids = SplitIdentity.idsSha256(split);
            String theirs = SplitIdentity.read(recorded).idsSha256();
            if (!theirs.equals(ids)) {
                throw new UsageException(llmDir + ": its ID tokens index the users and items of another split (id maps "
                        + "sha256 " + SplitIdentity.shortHash(theirs) + "… in " + IdTokens.SPLIT_FILE + ", " + SplitIdentity.shortHash(ids)
                        + "… of " + splitDir + "); tune it on a split of the same users and items (tandem split "
                        + "--format split " + splitDir + " cuts one from this split's training part)");
            }
        }
        if (!added.containsKey(IdTokens.user(split.numUsers() - 1)) || !added.containsKey(IdTokens.item(split.numItems() - 1))
                || added.containsKey(IdTokens.user(split.numUsers())) || added.containsKey(IdTokens.item(split.numItems()))) {
            throw new UsageException(llmDir + ": the tokenizer's ID tokens are for another data set than "
                    + splitDir + " (" + split.numUsers() + " users, " + split.numItems() + " items)");
        }
        return PromptStyle.ID_TOKENS;
    }

    private void runVariant(Variant v, Data data, DcnV2 dcnv2, DecoderWeights base, LlmTokenizer tok,
                            CorellaPrompts prompts, PromptStyle style, ClickExamples joint, ClickExamples alone,
                            List<MetricRecord> records, List<Curve> curves, Map<String, String> summary,
                            Map<String, String> timings, NDManager parent)
            throws IOException {
        try (NDManager m = parent.newSubManager(); LoraAdapter adapter = LoraAdapter.create(base, loraConfig(),
                s.seed(), m)) {
            ClickLanguageModel lm = new ClickLanguageModel(new Decoder(base, adapter), tok, prompts, style, SCORE_BATCH);
            DcnV2 crm = v.stage1() ? dcnv2.copy() : DcnV2.initial(dcnv2.features(),
                    data.split().train().latestItemsByUser(dcnv2.config().historyLength()), dcnv2.config(), s.seed());
            long t0 = System.nanoTime();
            if (v.stage2()) {
                curves.addAll(stage2(v, base, adapter, lm, crm, joint));
            }
            if (v.stage3()) {
                curves.addAll(llmAlone(v.name(), base, adapter, lm, alone, m));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            // Fitting each calibration scores the validation rows once; the router reuses those scores.
            CalibratedScorers.Calibrated crmSide = CalibratedScorers.of(crm, data.valid());
            CalibratedScorers.Calibrated llmSide = CalibratedScorers.of(lm, data.valid(), m);
            float[] validLabels = data.valid().labels();
            float[] crmValid = crmSide.valid();
            float[] llmValid = llmSide.validLogits();
            RoutedCalibration routing = s.budget() >= 0
                    ? RoutedCalibration.fit(s.budget(), validLabels, crmValid, llmValid, llmSide.platt())
                    : RoutedCalibration.chosenOnValidation(validLabels, crmValid, llmValid, llmSide.platt(),
                    RoutingCurve.defaultFractions());
            EntropyRouter router = routing.router();
            ClickExamples test = data.test();
            float[] crmTest = crmSide.scorer().score(test);
            float[] llmLogits = Logistic.logits(lm.probabilities(m, test));
            // The LLM alone answers everything: the whole validation set's scaling.
            float[] llmTest = CalibratedScorers.scaled(llmSide.platt(), llmLogits);
            float[] llmRouted = CalibratedScorers.scaled(routing.llm(), llmLogits);
            float[] mixed = crmTest.clone();
            int[] hard = router.route(crmTest);
            for (int i : hard) {
                mixed[i] = llmRouted[i];
            }
            int routed = hard.length;
            long overThreshold = IntStream.range(0, crmTest.length).filter(i -> router.routes(crmTest[i])).count();
            records.addAll(records(data, v.name(), mixed));
            summary.put(v.name(), String.format(Locale.ROOT, "budget %.2f (%s), entropy threshold %.4f, %d of %d test"
                    + " requests to the LLM (%.0f LLM calls per 1,000%s), the LLM scaled on %s", router.budget(),
                    s.budget() >= 0 ? "set" : "chosen on validation AUC", router.threshold(), routed, test.size(),
                    1000.0 * routed / test.size(), overThreshold > routed ? "; " + overThreshold
                            + " over the threshold, capped at the budget" : "", routing.llm() == llmSide.platt()
                            ? "every validation row" : "the validation rows routed to it"));
            timings.put(v.name(), String.format(Locale.ROOT, "trained in %.0f s", seconds));
            if (v.suffix().isEmpty()) {
                records.addAll(records(data, "corella-no-mix", crmTest));
                records.addAll(records(data, "corella-llm", llmTest));
                records.addAll(records(data, "corella-oracle", CalibratedScorers.oracle(test.labels(), crmTest, llmTest)));
                // Each point as the cascade of that budget answers: the LLM calibrated on its routed rows.
                List<RoutingCurve.Point> curve = new ArrayList<>();
                for (double f : RoutingCurve.defaultFractions()) {
                    curve.add(RoutedCalibration.fit(f, validLabels, crmValid, llmValid, llmSide.platt())
                            .point(test.labels(), crmTest, llmLogits));
                }
                records.addAll(RoutingCurve.toRecords(provenance(data, "corella"), curve, test.size()));
                adapter.save(out.resolve(ADAPTER_DIR));
                crm.save(out.resolve(ADAPTER_DIR).resolve(CRM_FILE), Optional.of(SplitIdentity.of(splitDir, data.split())));
                cascadeFile(router, crmSide.platt(), routing.llm(), data, prompts, style).write(out.resolve(ADAPTER_DIR));
            }
        }
    }

    /** What a server needs to rebuild this cascade, the paths relative to the run directory. */
    private CascadeFile cascadeFile(EntropyRouter router, PlattScaling crmPlatt, PlattScaling llmPlatt, Data data,
                                    CorellaPrompts prompts, PromptStyle style) {
        double positives = 0;
        for (float y : data.valid().labels()) {
            positives += y;
        }
        float rate = (float) Math.min(1 - 1e-4, Math.max(1e-4, positives / data.valid().size()));
        Path home = out.toAbsolutePath().normalize();
        return new CascadeFile(router.threshold(), router.budget(), crmPlatt, llmPlatt, s.historyItems(),
                s.minHistory(), prompts.config().tokenBudget(), style, rate,
                relative(home, llmDir), relative(home, splitDir), ADAPTER_DIR, ADAPTER_DIR + "/" + CRM_FILE);
    }

    private static String relative(Path home, Path p) {
        return home.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private LoraConfig loraConfig() {
        return s.sft().loraConfig(llmDir.toAbsolutePath().toString());
    }

    /** Stage 2: the LLM and the DCNv2 in one graph with the alignment loss; the three terms are logged by step. */
    private List<Curve> stage2(Variant v, DecoderWeights base, LoraAdapter adapter, ClickLanguageModel lm, DcnV2 crm,
                               ClickExamples joint) {
        List<SftSequence> seqs = new ArrayList<>(joint.size());
        for (int k = 0; k < joint.size(); k++) {
            seqs.add(lm.sequence(joint, k));
        }
        int blocks = base.config().numLayers();
        List<LayerAlignment.Pair> pairs = new ArrayList<>();
        for (int[] p : s.alignPairs()) {
            pairs.add(new LayerAlignment.Pair(p[0], p[1]));
        }
        if (pairs.isEmpty()) {
            pairs = LayerAlignment.evenlySpaced(blocks, crm.config().crossLayers());
        }
        int crossWidth = crm.features().numFields() * crm.config().embeddingDim();
        LayerAlignment align = new LayerAlignment(pairs, base.config().hiddenSize(), crossWidth, s.sharedDim(), s.alignP(),
                s.alignNormalize(), s.seed());
        JointTask task = new JointTask(base, adapter, crm, align, joint, seqs,
                new JointTask.Weights(s.alpha(), s.beta(), v.align() ? s.gamma() : 0), s.crmRateScale());
        StepLog losses = stepLog(v.name() + "-stage2");
        task.setLossLog(losses);
        var result = new Trainer(trainConfig(true)).fit(task, new TrainHooks(null,
                out.resolve("checkpoints/" + v.name() + "-stage2.ckpt"), resume, showProgress));
        int steps = (int) result.globalSteps();
        List<Curve> curves = new ArrayList<>();
        for (String kind : List.of(JointTask.LLM_LOSS, JointTask.CRM_LOSS, JointTask.ALIGN_LOSS)) {
            if (kind.equals(JointTask.ALIGN_LOSS) && !v.align()) {
                continue;
            }
            Curve c = curve("stage 2: " + kind + " by step", v.name(), losses.read(kind, steps));
            if (c != null) {
                curves.add(c);
            }
        }
        return curves;
    }

    /** The LLM alone (LoRA) on {@code rows}: stage 3, or all of TALLRec's tuning. */
    private List<Curve> llmAlone(String name, DecoderWeights base, LoraAdapter adapter, ClickLanguageModel lm,
                                 ClickExamples rows, NDManager m) {
        List<SftSequence> seqs = new ArrayList<>(rows.size());
        for (int k = 0; k < rows.size(); k++) {
            seqs.add(lm.sequence(rows, k));
        }
        SftTask task = new SftTask(base, adapter, CausalLmGradients.loraParameters(adapter), seqs, s.sft().batchSize(), m);
        StepLog losses = stepLog(name + "-llm");
        task.setListener((step, loss, tokens, answer) -> losses.append("loss", step, loss));
        var result = new Trainer(trainConfig(false)).fit(task, new TrainHooks(null,
                out.resolve("checkpoints/" + name + "-llm.ckpt"), resume, showProgress));
        Curve c = curve("LLM alone: answer loss by step", name, losses.read("loss", (int) result.globalSteps()));
        return c == null ? List.of() : List.of(c);
    }

    private StepLog stepLog(String name) {
        StepLog l = new StepLog(out.resolve("checkpoints/" + name + ".losses.tsv"));
        if (!resume) {
            l.delete();
        }
        return l;
    }

    private static Curve curve(String group, String name, double[] values) {
        List<double[]> pts = new ArrayList<>();
        for (int k = 0; k < values.length; k++) {
            if (Double.isFinite(values[k])) {
                pts.add(new double[] {k, values[k]});
            }
        }
        return pts.isEmpty() ? null : new Curve(group, name, "step", "loss", pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
    }

    /**
     * One pass over the stage's rows: AdamW (lazy on the DCNv2's embedding tables) with the LoRA
     * rate, warm-up then cosine, clipping, checkpoints as the LoRA settings say.
     */
    private TrainConfig trainConfig(boolean lazyTables) {
        SftConfig f = s.sft();
        return TrainConfig.builder().epochs(f.epochs()).batchSize(f.batchSize()).learningRate(f.learningRate())
                .weightDecay(f.weightDecay()).optimizer(lazyTables ? TrainConfig.OptimizerKind.LAZY_ADAM
                        : TrainConfig.OptimizerKind.ADAMW)
                .schedule(TrainConfig.ScheduleKind.COSINE).warmupSteps(f.warmupSteps()).clipNorm(f.clipNorm())
                .checkpointEvery(f.checkpointEvery()).seed(s.seed()).build();
    }

    private Provenance provenance(Data d, String model) {
        Provenance p = CrmEvaluation.provenance(CrmEvaluation.ctrTaskName(d.split()), model, d.split());
        return new Provenance(p.task(), p.model(), p.dataset(), d.splitName(), p.seed());
    }

    private List<MetricRecord> records(Data d, String model, float[] probabilities) {
        return SegmentedEvaluator.ctr(provenance(d, model), d.test().labels(), probabilities, d.test().users(), d.segments(),
                SegmentedEvaluator.CORELLA);
    }

    private void step(String format, Object... args) {
        log.println(String.format(Locale.ROOT, format, args));
        log.flush();
    }
}
