package org.tandemrec.collab.bdlm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tandemrec.base.Directories;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.base.SideBySide;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.KeptCrms;
import org.tandemrec.crm.Recommender;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.llm.VocabularyExtension;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftMemory;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.BdlmPrompts;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.prompt.PromptConfig;
import org.tandemrec.prompt.PromptStyle;
import org.tandemrec.split.NegativeDraw;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.UserItems;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;

/**
 * BDLM end to end on a split (arXiv 2311.03778): the CRM trained at the LLM's hidden size, its
 * user and item vectors pre-loaded as ID-token rows (§4.1), the LLM and the feature-enhanced CRM
 * trained in turns with the sharing module (§4.3), and the comparison of its Table 3 — the CRM
 * baselines, LLM-Rec (the base LLM prompted with text), GPT4SM (the base LLM's features into the
 * CRM), InstructRec (text-only fine-tuning of the same LLM, same budget), BDLM-llm and BDLM-drs —
 * plus, when asked, the ablations of §5.5.2 and a λ sweep (§5.5.3), λ chosen on validation HR@1.
 * Every model is scored on the same users, lists and rows; each variant's training checkpoints
 * in {@code checkpoints/}, so an interrupted run resumes.
 */
public final class BdlmRun {
    /**
     * Every record, what was trained (for the run's summary: the same on every run of one
     * configuration), how long each part took (apart, so that the summary repeats), and the
     * training losses by step.
     */
    public record Result(List<MetricRecord> records, Map<String, String> summary, Map<String, String> timings,
                         List<Curve> curves) {
    }

    private static final java.util.regex.Pattern ID_TOKEN = java.util.regex.Pattern.compile("<[ui]id_\\d+>");

    private final BdlmSettings s;
    private final Path splitDir;
    private final Path llmDir;
    private final Path out;
    private final boolean resume;
    private final boolean showProgress;
    private final PrintWriter log;
    private final FreeSpace freeSpace;

    public BdlmRun(BdlmSettings settings, Path splitDir, Path llmDir, Path out, boolean resume, boolean showProgress,
                   PrintWriter log) {
        this(settings, splitDir, llmDir, out, resume, showProgress, log, FreeSpace.SYSTEM);
    }

    /** As the constructor above, with the run directory's free disk from {@code freeSpace}. */
    public BdlmRun(BdlmSettings settings, Path splitDir, Path llmDir, Path out, boolean resume, boolean showProgress,
                   PrintWriter log, FreeSpace freeSpace) {
        this.s = settings;
        this.splitDir = splitDir;
        this.llmDir = llmDir;
        this.out = out;
        this.resume = resume;
        this.showProgress = showProgress;
        this.log = log;
        this.freeSpace = freeSpace;
    }

    /**
     * What a BDLM variant changes: λ, whether ID tokens are added, whether their rows come from the
     * CRM; its models are {@code bdlm-llm} and {@code bdlm-drs} followed by {@code suffix}.
     */
    record Variant(String suffix, double lambda, boolean idTokens, boolean preload) {
        String name() {
            return "bdlm" + suffix;
        }
    }

    public Result run() throws IOException {
        SplitData split = SplitDirectory.read(splitDir);
        if (split.testCandidates().size() == 0 || split.ctrTest().size() == 0) {
            throw new UsageException(splitDir + ": BDLM needs top-K lists and interaction rows; make the split"
                    + " with --task both (leave-one-out)");
        }
        if (split.itemInfo().stream().map(ItemInfo::title).allMatch(String::isEmpty)) {
            throw new UsageException(splitDir + ": the items have no titles, and BDLM's prompts show them");
        }
        Files.createDirectories(out.resolve("checkpoints"));
        BdlmEvaluation test = BdlmEvaluation.test(split, s.evalUsers(), s.seed());
        BdlmEvaluation valid = BdlmEvaluation.validation(split, s.validUsers(), s.seed());
        int[][] trainSeq = split.train().latestItemsByUser(Integer.MAX_VALUE);
        List<MetricRecord> records = new ArrayList<>();
        List<Curve> curves = new ArrayList<>();
        Map<String, String> summary = new LinkedHashMap<>();
        Map<String, String> timings = new LinkedHashMap<>();
        LlamaConfig declared = LlamaConfig.load(llmDir);
        int longest = s.tokenBudget() > 0 ? Math.min(s.tokenBudget(), declared.maxPositionEmbeddings())
                : declared.maxPositionEmbeddings();
        // Refused before anything is loaded: each variant holds one extended copy at a time.
        SftMemory memory = new SftMemory(declared, s.sft(), (long) split.numUsers() + split.numItems(), longest);
        memory.check(AvailableMemory.now(), llmDir, 3);
        if (s.runs("bdlm")) {
            // The tuned model with its ID rows is saved beside its variant's last checkpoint.
            memory.footprint("bdlm's fine-tuning", false, false, false).checkDisk(out, freeSpace.bytes(out),
                    Directories.size(out.resolve("checkpoints")));
        }
        try (NDManager m = TensorDevice.newManager(); DecoderWeights base = DecoderWeights.load(llmDir, m);
             LlmTokenizer baseTok = LlmTokenizer.load(llmDir, base.config().vocabSize())) {
            LlamaConfig lc = base.config();
            int h = lc.hiddenSize();
            for (String t : baseTok.addedTokens().keySet()) {
                if (IdTokens.looksLikeIdToken(t)) {
                    throw new DataFormatException(llmDir, "the tokenizer already holds " + t + ", which clashes"
                            + " with BDLM's ID tokens");
                }
            }
            int budget = s.tokenBudget() > 0 ? Math.min(s.tokenBudget(), lc.maxPositionEmbeddings())
                    : lc.maxPositionEmbeddings();
            // ID tokens are one token each in the extended vocabulary; the rest is counted by the base
            // tokenizer, plus the beginning-of-sequence token and the answer's lead.
            BdlmPrompts prompts = new BdlmPrompts(new PromptConfig(s.historyItems(), budget, s.itemNoun(), s.itemsNoun(),
                    s.verbPast(), s.verb()), split.itemInfo(), text -> {
                        java.util.regex.Matcher ids = ID_TOKEN.matcher(text);
                        int n = 0;
                        while (ids.find()) {
                            n++;
                        }
                        return baseTok.encode(ID_TOKEN.matcher(text).replaceAll("")).length + n + 2;
                    });

            checkPromptsFit(prompts, test, valid);
            int crmDim = s.crmDim() > 0 ? s.crmDim() : h;
            if (crmDim != h) {
                step("CRM %s at size %d, its vectors projected to the LLM's hidden size %d", s.crm(), crmDim, h);
            } else {
                step("CRM %s at the LLM's hidden size %d", s.crm(), h);
            }
            Recommender crm = trainCrm(s.crm(), crmDim, split, curves, showProgress);
            records.addAll(crmRecords(s.crm(), crm, test, valid));
            records.addAll(baselines(split, test, valid, curves));
            double scale = IdTokenRows.rms(base);
            VocabularyExtension loaded = IdTokenRows.of(split, crm, h, scale, true, s.rescaleIdRows(), s.seed());
            VocabularyExtension fresh = IdTokenRows.of(split, crm, h, scale, false, s.rescaleIdRows(), s.seed());
            summary.put("bdlm-drs start", IdTokenRows.startsFromInnerProduct(crm, loaded)
                    ? s.crm() + "'s score as the inner product of the tables' vectors"
                    : s.crm() + "'s score as an input (its score is not the inner product of the vectors the tables hold)");

            BdlmExampleSampler sampler = new BdlmExampleSampler(trainSeq,
                    new NegativeDraw(SplitPlan.sampler(split, split.config().sampler(), splitDir), UserItems.of(split.train())),
                    new NegativeDraw(SplitPlan.sampler(split, split.config().ctrSampler(), splitDir), UserItems.of(split.train())),
                    split.config().negatives());
            List<BdlmExample> llmExamples = sampler.sample(s.trainPositions(), s.topKShare(), s.seed());
            DrsPairs pairs = DrsPairs.of(sampler.sample(s.drsPositions(), 0.0, s.seed() + 1), trainSeq);
            summary.put("bdlm examples", llmExamples.size() + " fine-tuning sequences, " + pairs.size() + " CRM pairs");

            // The LLM phases take every core when the model is large enough; the CRMs above kept the
            // launcher's count, at which their small products run several times faster.
            try (TorchThreads.Scope threads = TorchThreads.forModel(lc)) {
                // GPT4SM reads the base LLM's features, so LLM-Rec's model is built for either.
                BdlmLanguageModel baseText = new BdlmLanguageModel(new Decoder(base, null), baseTok, prompts,
                        PromptStyle.TEXT_ONLY, -1, split.numUsers(), 16);
                if (s.runs("llm-rec")) {
                    step("LLM-Rec: the base LLM prompted with text");
                    records.addAll(llmRecords("llm-rec", baseText, test, m));
                }
                if (s.runs("gpt4sm")) {
                    step("GPT4SM: the base LLM's features into the CRM");
                    FeatureEnhancedCrm gpt4sm = IdTokenRows.featureEnhanced(crm, loaded, h, s.drsHidden(), s.seed());
                    DrsExamples baseFeatures = pairs.withFeatures(baseText.interactions(m, pairs.users(), pairs.items(),
                            pairs.histories(), true).features());
                    new Trainer(drsTrainConfig(pairs.size())).fit(new DrsTask("gpt4sm", gpt4sm, baseFeatures),
                            new TrainHooks(null, out.resolve("checkpoints/gpt4sm.ckpt"), resume, showProgress));
                    records.addAll(drsRecords("gpt4sm", gpt4sm, baseText, test, m));
                }

                // Without ID tokens the LLM side is InstructRec's text-only fine-tuning at the same budget.
                // With a λ sweep every λ is a variant of its own and the best on validation HR@1 is
                // reported as bdlm-llm / bdlm-drs: λ is never chosen on the test part.
                List<Variant> variants = new ArrayList<>();
                List<Double> lambdas = new ArrayList<>(List.of(s.lambda()));
                s.lambdaSweep().stream().filter(l -> !lambdas.contains(l)).forEach(lambdas::add);
                if (s.runs("bdlm")) {
                    for (double l : lambdas) {
                        variants.add(new Variant(lambdas.size() == 1 ? "" : lambdaSuffix(l), l, true, true));
                    }
                }
                if (s.runs("instructrec") || s.runs("bdlm")) {
                    variants.add(new Variant("-no-et", s.lambda(), false, false));
                }
                // Without joint learning is λ = 0: when λ or the sweep already holds 0, that variant is
                // trained once and reported under both names.
                Variant withoutJoint = variants.stream()
                        .filter(v -> v.idTokens() && v.preload() && v.lambda() == 0).findFirst().orElse(null);
                if (s.runs("bdlm") && s.ablations()) {
                    if (withoutJoint == null) {
                        variants.add(new Variant("-no-jl", 0, true, true));
                    }
                    variants.add(new Variant("-no-pe", s.lambda(), true, false));
                }
                double bestValid = Double.NEGATIVE_INFINITY;
                Variant best = null;
                List<MetricRecord> bestRecords = List.of();
                for (Variant v : variants) {
                    step("%s: λ %s, %s", v.name(), v.lambda(), v.idTokens() ? (v.preload() ? "ID tokens pre-loaded from "
                            + s.crm() : "ID tokens initialised as new tokens") : "text only");
                    VariantScores r = trainVariant(v, split, base, baseTok, prompts, v.preload() ? loaded : fresh, loaded,
                            crm, llmExamples, pairs, trainSeq, test, valid, m);
                    records.addAll(r.records());
                    curves.addAll(r.curves());
                    MutualLearning.Timing t = r.timing();
                    summary.put(v.name(), String.format(Locale.ROOT, "λ %s, validation HR@1 %.4f, %d steps", v.lambda(),
                            r.validLlm(), r.steps()));
                    timings.put(v.name(), String.format(Locale.ROOT, "%d steps in %.0f s (LLM steps %.0f s, CRM steps %.0f s,"
                            + " first LLM features %.0f s; joint learning's own: λ·MSE pulls %.1f s, features refreshed %.0f s"
                            + " = %.1f %% over the sides trained separately)", r.steps(), r.seconds(), t.llmTaskSeconds(),
                            t.crmTaskSeconds(), t.firstFeaturesSeconds(), t.pullSeconds(), t.refreshSeconds(),
                            100 * t.overhead(r.seconds())));
                    if (v == withoutJoint && s.ablations()) {
                        r.records().forEach(x -> records.add(x.withModel(renamed(x.model(), v.suffix(), "-no-jl"))));
                        r.curves().forEach(c -> curves.add(new Curve(c.group(), renamed(c.name(), v.suffix(), "-no-jl"),
                                c.xLabel(), c.yLabel(), c.x(), c.y())));
                        summary.put("bdlm-no-jl", "the λ 0 variant " + v.name());
                    }
                    if (lambdas.size() > 1 && v.suffix().startsWith("-lambda-") && r.validLlm() > bestValid) {
                        bestValid = r.validLlm();
                        best = v;
                        bestRecords = r.records();
                    }
                }
                if (best != null) {
                    for (MetricRecord r : bestRecords) {
                        records.add(r.withModel(r.model().replace(best.suffix(), "")));
                    }
                    Path chosen = out.resolve("bdlm-llm" + best.suffix());
                    org.tandemrec.base.Directories.deleteTree(out.resolve("bdlm-llm"));
                    Files.move(chosen, out.resolve("bdlm-llm"));
                    summary.put("bdlm λ", best.lambda() + " (best validation HR@1 " + String.format(Locale.ROOT, "%.4f", bestValid)
                            + " of " + lambdas + ")");
                }
            }
        }
        return new Result(records, summary, timings, curves);
    }

    /**
     * Every evaluation list's top-K prompt fits the token budget (history is dropped to fit, the
     * candidates cannot be): checked before any training, so a budget too small for the data's
     * titles is said at once.
     */
    private void checkPromptsFit(BdlmPrompts prompts, BdlmEvaluation... parts) {
        for (BdlmEvaluation e : parts) {
            for (int l = 0; l < e.lists().size(); l++) {
                for (PromptStyle style : PromptStyle.values()) {
                    try {
                        prompts.topK(e.lists().user(l), new int[0], e.lists().candidates(l), s.seed(), style);
                    } catch (IllegalArgumentException ex) {
                        throw new UsageException(splitDir + ": list " + l + " of user index " + e.lists().user(l)
                                + ": " + ex.getMessage() + " (token_budget is capped at the LLM's context "
                                + "max_position_embeddings; pre-train or choose an LLM with a longer one)", ex);
                    }
                }
            }
        }
    }

    /** {@code name} (which ends with {@code suffix}) with that suffix replaced. */
    private static String renamed(String name, String suffix, String replacement) {
        return name.substring(0, name.length() - suffix.length()) + replacement;
    }

    private static String lambdaSuffix(double l) {
        return "-lambda-" + (l == Math.rint(l) && Math.abs(l) < 1e6 ? Long.toString((long) l) : Double.toString(l));
    }

    private void step(String format, Object... args) {
        log.println(String.format(Locale.ROOT, format, args));
        log.flush();
    }

    /**
     * The CRM baselines, trained side by side (one per core; each has its own seed, so they are
     * the models trained one at a time would be), the sequence models started first as the
     * longest; scored, and their curves kept, in the order of the settings.
     */
    private List<MetricRecord> baselines(SplitData split, BdlmEvaluation test, BdlmEvaluation valid, List<Curve> curves)
            throws IOException {
        List<String> names = s.baselines().stream().filter(b -> !b.equals(s.crm())).toList();
        if (names.isEmpty()) {
            return List.of();
        }
        int threads = SideBySide.threadsFor(names.size());
        step("baselines %s%s", String.join(", ", names), threads > 1 ? " (" + threads + " side by side)" : "");
        List<SideBySide.Job<Recommender>> jobs = new ArrayList<>();
        List<List<Curve>> trained = new ArrayList<>();
        for (String b : names) {
            List<Curve> own = new ArrayList<>();
            trained.add(own);
            // Two bars cannot share a terminal line: side by side, progress goes to the log.
            jobs.add(() -> trainCrm(b, 0, split, own, showProgress && threads == 1));
        }
        List<Recommender> models = SideBySide.run(jobs, threads, CrmCatalog.longestFirst(names));
        List<MetricRecord> records = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            curves.addAll(trained.get(k));
            records.addAll(crmRecords(names.get(k), models.get(k), test, valid));
        }
        return records;
    }

    /** Trains (or, resuming, loads) a CRM; its training loss and validation metric by epoch go to {@code curves}. */
    private Recommender trainCrm(String model, int dim, SplitData split, List<Curve> curves, boolean progressBar)
            throws IOException {
        CrmSpec d = CrmSpec.defaults(model);
        TrainConfig t = s.crmEpochs() > 0 && model.equals(s.crm()) ? d.train().toBuilder().epochs(s.crmEpochs()).build()
                : d.train();
        CrmSpec spec = new CrmSpec(model, dim > 0 ? dim : d.dim(), t.toBuilder().seed(s.seed()).build(), d.options());
        KeptCrms kept = new KeptCrms(out, splitDir, split, resume, line -> step("%s", line));
        Recommender r = kept.trainOrLoad(spec, progressBar);
        curves.addAll(kept.curves(spec));
        return r;
    }

    /** Both tasks of a CRM; scores that are not probabilities are calibrated on the validation rows. */
    private static List<MetricRecord> crmRecords(String name, Recommender r, BdlmEvaluation test, BdlmEvaluation valid) {
        return r.scoreKind() == Recommender.ScoreKind.PROBABILITY ? test.pairs(name, r::score, true)
                : test.pairsCalibrated(name, r::score, valid);
    }

    private TrainConfig drsTrainConfig(int pairs) {
        int epochs = s.rounds();
        return TrainConfig.builder().epochs(epochs).batchSize(s.drsBatchSize()).learningRate(s.drsLearningRate())
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(s.seed()).checkpointEvery(0).build();
    }

    private List<MetricRecord> llmRecords(String name, BdlmLanguageModel lm, BdlmEvaluation eval, NDManager m) {
        List<MetricRecord> r = new ArrayList<>(eval.topK(name, lm.topKScores(m, eval.lists(), eval.histories(), s.seed())));
        r.addAll(eval.interaction(name, lm.interactions(m, eval.rows().userColumn(), eval.rows().itemColumn(),
                eval.rowHistories(), false).yes(), true));
        return r;
    }

    /** Scores of the feature-enhanced CRM: every (user, candidate) and interaction row gets its LLM feature. */
    private List<MetricRecord> drsRecords(String name, FeatureEnhancedCrm drs, BdlmLanguageModel lm, BdlmEvaluation eval,
                                          NDManager m) {
        return eval.pairs(name, (us, is) -> {
            int[][] hist = new int[us.length][];
            for (int k = 0; k < us.length; k++) {
                hist[k] = eval.histories()[us[k]];
            }
            float[][] f = lm.interactions(m, us, is, hist, true).features();
            return drs.predict(new DrsPairs(us, is, new float[us.length], hist).withFeatures(f));
        }, true);
    }

    /** Validation HR@1 of both sides, the test records, and the training's size and time. */
    record VariantScores(List<MetricRecord> records, List<Curve> curves, double validLlm, long steps, double seconds,
                         MutualLearning.Timing timing) {
    }

    /** Chart names of the loss curves, by step-log kind. */
    private static final Map<String, String> CURVE_GROUPS = Map.of(
            MutualLearning.LLM_LOSS, "LLM side: answer-token loss by step",
            MutualLearning.CRM_LOSS, "CRM side: BCE loss by step",
            MutualLearning.LLM_LOSS + MutualLearning.MUTUAL_SUFFIX, "LLM side: λ·MSE to the sharing module by step",
            MutualLearning.CRM_LOSS + MutualLearning.MUTUAL_SUFFIX, "CRM side: λ·MSE to the sharing module by step");

    /** The variant's logged losses as curves (the λ·MSE terms only when λ > 0). */
    private static List<Curve> lossCurves(Variant v, StepLog log, int steps) {
        List<Curve> out = new ArrayList<>();
        for (String kind : List.of(MutualLearning.LLM_LOSS, MutualLearning.CRM_LOSS,
                MutualLearning.LLM_LOSS + MutualLearning.MUTUAL_SUFFIX, MutualLearning.CRM_LOSS + MutualLearning.MUTUAL_SUFFIX)) {
            if (kind.endsWith(MutualLearning.MUTUAL_SUFFIX) && v.lambda() == 0) {
                continue;
            }
            double[] values = log.read(kind, steps);
            List<double[]> pts = new ArrayList<>();
            for (int k = 0; k < values.length; k++) {
                if (Double.isFinite(values[k])) {
                    pts.add(new double[] {k, values[k]});
                }
            }
            if (!pts.isEmpty()) {
                out.add(new Curve(CURVE_GROUPS.get(kind), v.name(), "step", "loss",
                        pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray()));
            }
        }
        return out;
    }

    private VariantScores trainVariant(Variant v, SplitData split, DecoderWeights base, LlmTokenizer baseTok,
                                       BdlmPrompts prompts, VocabularyExtension idRows, VocabularyExtension crmRows,
                                       Recommender crm, List<BdlmExample> llmExamples, DrsPairs pairs, int[][] trainSeq,
                                       BdlmEvaluation test, BdlmEvaluation valid, NDManager parent) throws IOException {
        SftConfig sft = s.sft();
        int users = split.numUsers();
        try (NDManager m = parent.newSubManager();
             VocabularyExtension.Extended ext = v.idTokens() ? idRows.apply(baseTok, base, m) : null) {
            DecoderWeights weights = ext != null ? ext.weights() : base.with(base.config(), Map.of(), m);
            LlmTokenizer tok = ext != null ? ext.tokenizer() : baseTok;
            int firstId = ext != null ? ext.firstId() : -1;
            LoraAdapter adapter = sft.mode() == SftConfig.Mode.LORA
                    ? LoraAdapter.create(weights, sft.loraConfig(out.resolve(v.name()).toString()), s.seed(), m) : null;
            List<Parameter> params = new ArrayList<>();
            Parameter embedding = null;
            if (adapter == null) {
                params.addAll(firstId >= 0 ? CausalLmGradients.allParameters(weights, firstId)
                        : CausalLmGradients.allParameters(weights));
            } else {
                params.addAll(CausalLmGradients.loraParameters(adapter));
                if (firstId >= 0) {
                    params.addAll(CausalLmGradients.tokenRowParameters(weights, firstId));
                }
            }
            for (Parameter p : params) {
                if (p.name().equals("model.embed_tokens.weight")) {
                    embedding = p;
                }
            }
            PromptStyle style = v.idTokens() ? PromptStyle.ID_TOKENS : PromptStyle.TEXT_ONLY;
            BdlmLanguageModel lm = new BdlmLanguageModel(new Decoder(weights, adapter), tok, prompts, style, firstId, users,
                    16);
            List<SftSequence> seqs = new ArrayList<>(llmExamples.size());
            for (BdlmExample e : llmExamples) {
                seqs.add(lm.sequence(e, trainSeq, s.seed()));
            }
            SftTask task = new SftTask(weights, adapter, params, seqs, sft.batchSize(), m);
            FeatureEnhancedCrm drs = IdTokenRows.featureEnhanced(crm, crmRows, weights.config().hiddenSize(), s.drsHidden(),
                    s.seed());
            SharingModule share = new SharingModule(IdTokenRows.rows(crmRows, 0, users),
                    IdTokenRows.rows(crmRows, users, split.numItems()));
            int[] lengths = seqs.stream().mapToInt(SftSequence::length).toArray();
            MutualLearning ml = new MutualLearning(task, llmExamples, lengths, firstId >= 0 ? embedding : null,
                    embedding == null ? 0 : firstId - embedding.firstRow(), users, drs, pairs, lm, share, v.lambda(),
                    sft.batchSize(), s.drsBatchSize(), s.rounds(), s.drsLearningRate() / sft.learningRate(), s.seed(), m);
            TrainConfig tc = TrainConfig.builder().epochs(1).batchSize(1).learningRate(sft.learningRate())
                    .weightDecay(sft.weightDecay()).optimizer(TrainConfig.OptimizerKind.LAZY_ADAM)
                    .schedule(TrainConfig.ScheduleKind.COSINE).warmupSteps(sft.warmupSteps()).clipNorm(sft.clipNorm())
                    .checkpointEvery(sft.checkpointEvery()).seed(s.seed()).build();
            StepLog losses = new StepLog(out.resolve("checkpoints/" + v.name() + ".losses.tsv"));
            if (!resume) {
                losses.delete();
            }
            ml.setLossLog(losses);
            long t0 = System.nanoTime();
            var result = new Trainer(tc).fit(ml, new TrainHooks(null, out.resolve("checkpoints/" + v.name() + ".ckpt"),
                    resume, showProgress));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double validLlm = BdlmEvaluation.hitRate1(lm.topKScores(m, valid.lists(), valid.histories(), s.seed()));
            List<MetricRecord> llmSide = llmRecords("bdlm-llm" + v.suffix(), lm, test, m);
            // The text-only variant is both InstructRec and BDLM's "w/o extended tokens" ablation.
            boolean ablation = v.idTokens() || s.runs("bdlm");
            List<MetricRecord> records = new ArrayList<>(ablation ? llmSide : List.of());
            if (!v.idTokens() && s.runs("instructrec")) {
                llmSide.forEach(r -> records.add(r.withModel("instructrec")));
            }
            if (ablation) {
                records.addAll(drsRecords("bdlm-drs" + v.suffix(), drs, lm, test, m));
            }
            if (v.suffix().isEmpty() || v.suffix().startsWith("-lambda-")) {
                HfCheckpoint.save(out.resolve("bdlm-llm" + v.suffix()), adapter == null ? weights : adapter.merge(weights, m),
                        tok);
                drs.save(out.resolve("bdlm-llm" + v.suffix()).resolve("bdlm-drs.safetensors"));
                if (v.idTokens()) {
                    // Another method (CoReLLa) may read this model on another split: its ID tokens index this one.
                    SplitIdentity.of(splitDir, split).write(out.resolve("bdlm-llm" + v.suffix()).resolve(IdTokens.SPLIT_FILE));
                }
            }
            return new VariantScores(records, lossCurves(v, losses, ml.totalSteps()), validLlm, result.globalSteps(), seconds,
                    ml.timing());
        }
    }
}
