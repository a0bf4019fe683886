package org.tandemrec.crm;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.cf.LightGcn;
import org.tandemrec.crm.cf.LightGcnConfig;
import org.tandemrec.crm.cf.MatrixFactorization;
import org.tandemrec.crm.cf.MfConfig;
import org.tandemrec.crm.cf.Ncf;
import org.tandemrec.crm.cf.NcfConfig;
import org.tandemrec.crm.cf.PopularityRecommender;
import org.tandemrec.crm.cf.RandomRecommender;
import org.tandemrec.crm.ctr.AutoInt;
import org.tandemrec.crm.ctr.AutoIntConfig;
import org.tandemrec.crm.ctr.CtrConfig;
import org.tandemrec.crm.ctr.CtrExamples;
import org.tandemrec.crm.ctr.CtrFeatures;
import org.tandemrec.crm.ctr.CtrModel;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Config;
import org.tandemrec.crm.ctr.FiBiNet;
import org.tandemrec.crm.ctr.FiBiNetConfig;
import org.tandemrec.crm.ctr.XDeepFm;
import org.tandemrec.crm.ctr.XDeepFmConfig;
import org.tandemrec.crm.sequential.Bert4Rec;
import org.tandemrec.crm.sequential.Bert4RecConfig;
import org.tandemrec.crm.sequential.Gru4Rec;
import org.tandemrec.crm.sequential.Gru4RecConfig;
import org.tandemrec.crm.sequential.SasRec;
import org.tandemrec.crm.sequential.SasRecConfig;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;
import org.tandemrec.eval.Auc;
import org.tandemrec.split.CandidateLists;
import org.tandemrec.split.SplitData;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.TrainHooks;

/**
 * Every conventional recommender: by name ({@link #MODELS}) to train, by the kind its model file
 * records to load. Training is the same for all from a split directory: on its training
 * interactions, with early stopping on its validation part (HR@10 over the validation candidate
 * lists for ranking models, AUC over the validation CTR set for click models).
 */
public final class CrmCatalog {
    /** Model names accepted by {@code tandem train crm --model}. */
    public static final List<String> MODELS = List.of("random", "pop", "mf-bpr", "mf-bce", "gmf", "mlp", "neumf",
            "lightgcn", "dcnv2", "autoint", "xdeepfm", "fibinet", "sasrec", "gru4rec", "bert4rec");

    /**
     * The next-item models: one sequence per user per epoch, so they train for many epochs and are
     * the longest to train of the catalogue on data with many users.
     */
    private static final Set<String> SEQUENTIAL = Set.of("sasrec", "gru4rec", "bert4rec");

    private static final Logger LOG = LoggerFactory.getLogger(CrmCatalog.class);

    private CrmCatalog() {
    }

    /**
     * The order in which to start training {@code models} side by side: the sequence models first
     * (the longest), the others after them, each group in the given order.
     */
    public static int[] longestFirst(List<String> models) {
        return IntStream.range(0, models.size()).boxed()
                .sorted(Comparator.comparing(k -> !SEQUENTIAL.contains(models.get(k))))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Trains the model {@code spec} names on {@code split} (after {@link CrmSpec#forTrainingRows}
     * on the split's training part).
     */
    public static Recommender train(CrmSpec given, SplitData split, TrainHooks hooks) {
        InteractionTable train = split.train();
        CrmSpec spec = given.forTrainingRows(positiveRows(split));
        ModelOptions o = spec.options();
        int d = spec.dim();
        Validation validation = validation(spec.model(), split);
        ToDoubleFunction<Recommender> validate = validation == null ? null : validation.score();
        return switch (spec.model()) {
            case "random" -> new RandomRecommender(new RandomRecommender.Config(spec.train().seed(), train.numUsers(),
                    train.numItems()));
            case "pop" -> PopularityRecommender.fit(train);
            case "mf-bpr" -> MatrixFactorization.fit(positives(train), withL2(MfConfig.bpr(d), o), spec.train(), hooks, validate);
            case "mf-bce" -> split.manifest().source().explicitLabels()
                    ? MatrixFactorization.fit(train, withL2(MfConfig.labelledBce(d), o), spec.train(), hooks, validate)
                    : MatrixFactorization.fit(positives(train), withOptions(MfConfig.bce(d), o), spec.train(), hooks, validate);
            case "gmf" -> Ncf.fit(positives(train), withOptions(NcfConfig.gmf(d), o), spec.train(), hooks, validate);
            case "mlp" -> Ncf.fit(positives(train), withOptions(NcfConfig.mlp(d), o), spec.train(), hooks, validate);
            case "neumf" -> o.pretrain()
                    ? Ncf.fitPretrained(positives(train), withOptions(NcfConfig.neuMf(d), o), spec.train(), hooks, validate)
                    : Ncf.fit(positives(train), withOptions(NcfConfig.neuMf(d), o), spec.train(), hooks, validate);
            case "lightgcn" -> LightGcn.fit(positives(train), LightGcnConfig.of(d, 3, o.l2Or(1e-4)), spec.train(), hooks, validate);
            case "dcnv2" -> {
                DcnV2Config base = DcnV2Config.defaults();
                DcnV2Config c = new DcnV2Config(d, base.crossLayers(), base.crossKind(), base.rank(), base.experts(),
                        o.deepLayersOr(base.deepLayers()), base.structure(), base.historyLength(), base.initStd());
                yield clickModel(spec, split, c, validate, (f, ex, h, v) -> DcnV2.fit(f, ex, h, c, spec.train(), hooks, v));
            }
            case "autoint" -> {
                AutoIntConfig base = AutoIntConfig.defaults();
                AutoIntConfig c = new AutoIntConfig(d, base.layers(), base.heads(), base.attentionSize(),
                        o.deepLayersOr(base.deepLayers()), base.historyLength(), base.initStd());
                yield clickModel(spec, split, c, validate, (f, ex, h, v) -> AutoInt.fit(f, ex, h, c, spec.train(), hooks, v));
            }
            case "xdeepfm" -> {
                XDeepFmConfig base = XDeepFmConfig.defaults();
                XDeepFmConfig c = new XDeepFmConfig(d, o.cinLayersOr(base.cinLayers()), o.deepLayersOr(base.deepLayers()),
                        base.historyLength(), base.initStd());
                yield clickModel(spec, split, c, validate, (f, ex, h, v) -> XDeepFm.fit(f, ex, h, c, spec.train(), hooks, v));
            }
            case "fibinet" -> {
                FiBiNetConfig base = FiBiNetConfig.defaults();
                FiBiNetConfig c = new FiBiNetConfig(d, base.reductionRatio(), o.deepLayersOr(base.deepLayers()),
                        base.historyLength(), base.initStd());
                yield clickModel(spec, split, c, validate, (f, ex, h, v) -> FiBiNet.fit(f, ex, h, c, spec.train(), hooks, v));
            }
            case "sasrec" -> SasRec.fit(positives(train), withDim(SasRecConfig.defaults(), d, o), spec.train(), hooks, validate);
            case "gru4rec" -> Gru4Rec.fit(positives(train), new Gru4RecConfig(d,
                    o.maxLengthOr(Gru4RecConfig.defaults().maxLength()), Gru4RecConfig.defaults().dropout()),
                    spec.train(), hooks, validate);
            case "bert4rec" -> Bert4Rec.fit(positives(train), withDim(Bert4RecConfig.defaults(), d, o), spec.train(),
                    hooks, validate);
            default -> throw new UsageException("model must be one of " + MODELS + ", got '" + spec.model() + "'");
        };
    }

    /** Loads any model file written by a {@link Recommender}, dispatching on the kind it records. */
    public static Recommender load(Path file) {
        try {
            return loadKind(file);
        } catch (CheckpointException e) {
            // A damaged or foreign model file is bad data: one line naming the file, as the other readers give.
            String m = e.getMessage();
            String prefix = e.file() + ": ";
            throw new org.tandemrec.data.DataFormatException(file, m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
    }

    private static Recommender loadKind(Path file) {
        String kind = ModelFile.read(file).kind();
        return switch (kind) {
            case LightGcn.KIND -> LightGcn.load(file);
            case MatrixFactorization.KIND -> MatrixFactorization.load(file);
            case Ncf.KIND -> Ncf.load(file);
            case DcnV2.KIND -> DcnV2.load(file);
            case AutoInt.KIND -> AutoInt.load(file);
            case XDeepFm.KIND -> XDeepFm.load(file);
            case FiBiNet.KIND -> FiBiNet.load(file);
            case SasRec.KIND -> SasRec.load(file);
            case Gru4Rec.KIND -> Gru4Rec.load(file);
            case Bert4Rec.KIND -> Bert4Rec.load(file);
            case PopularityRecommender.KIND -> PopularityRecommender.load(file);
            case RandomRecommender.KIND -> RandomRecommender.load(file);
            default -> throw new CheckpointException(file, "unknown model kind '" + kind + "'");
        };
    }

    private static MfConfig withL2(MfConfig c, ModelOptions o) {
        return new MfConfig(c.dim(), c.loss(), c.negatives(), o.l2Or(c.l2()), c.initStd());
    }

    private static MfConfig withOptions(MfConfig c, ModelOptions o) {
        return new MfConfig(c.dim(), c.loss(), o.negativesOr(c.negatives()), o.l2Or(c.l2()), c.initStd());
    }

    private static NcfConfig withOptions(NcfConfig c, ModelOptions o) {
        return new NcfConfig(c.variant(), c.gmfDim(), c.mlpLayers(), o.negativesOr(c.negatives()), o.l2Or(c.l2()),
                c.initStd());
    }

    /**
     * Training rows that are interactions (value > 0): what the graph and ID models train on, and
     * what size-dependent defaults ({@link CrmSpec#forTrainingRows}) follow.
     */
    public static int positiveRows(SplitData split) {
        InteractionTable train = split.train();
        int n = 0;
        for (int r = 0; r < train.size(); r++) {
            n += train.value(r) > 0f ? 1 : 0;
        }
        return n;
    }

    /**
     * The training rows a one-class model learns from: every row of implicit data, the positive
     * rows of labelled data (a rating below the threshold is not an interaction to imitate).
     */
    static InteractionTable positives(InteractionTable train) {
        return train.filter(r -> train.value(r) > 0f);
    }

    /** How a click model is fitted: features, examples, each user's latest training items, the validation. */
    @FunctionalInterface
    private interface ClickFit {
        CtrModel<?, ?> fit(CtrFeatures features, CtrExamples examples, int[][] latest, ToDoubleFunction<Recommender> validate);
    }

    /**
     * A click model (DCNv2, AutoInt, xDeepFM, FiBiNET) on the labelled training rows with item
     * categories, user profile fields and each row's pooled earlier history, early-stopped on the
     * validation CTR rows' AUC and then, unless {@code calibrate} is off, Platt-scaled on them; at
     * scoring time a user's history is their latest training items.
     */
    private static Recommender clickModel(CrmSpec spec, SplitData split, CtrConfig config,
                                          ToDoubleFunction<Recommender> validation, ClickFit fit) {
        if (!split.manifest().source().explicitLabels()) {
            throw new UsageException(spec.model() + " needs labelled training data: split with --label-rule "
                    + "(e.g. '>=4'), got a split of implicit feedback");
        }
        InteractionTable train = split.train();
        CtrFeatures features = CtrFeatures.encode(train.numUsers(), train.numItems(), split.itemInfo(),
                split.userProfiles());
        // The split's values are already 0/1 labels; ">= 0.5" keeps them as they are.
        CtrExamples examples = CtrExamples.of(train, LabelRule.atLeast(0.5f), config.historyLength());
        CtrModel<?, ?> model = fit.fit(features, examples, train.latestItemsByUser(config.historyLength()), validation);
        return spec.options().calibrateOr(true) ? model.calibratedOn(split.ctrValid()) : model;
    }

    private static SasRecConfig withDim(SasRecConfig c, int d, ModelOptions o) {
        return new SasRecConfig(d, o.maxLengthOr(c.maxLength()), c.blocks(), c.heads(), c.dropout());
    }

    private static Bert4RecConfig withDim(Bert4RecConfig c, int d, ModelOptions o) {
        return new Bert4RecConfig(d, o.maxLengthOr(c.maxLength()), c.blocks(), c.heads(), c.dropout(),
                o.maskProbabilityOr(c.maskProbability()));
    }

    /** What early stopping watches: the metric's name and how a model is scored on it. */
    private record Validation(String metric, ToDoubleFunction<Recommender> score) {
    }

    /**
     * The validation metric early stopping of {@code model} watches on {@code split} ("hr@10" or
     * "auc"), or null when the model is not validated (random, pop, or no validation data).
     */
    public static String validationMetric(String model, SplitData split) {
        Validation v = validation(model, split);
        return v == null ? null : v.metric();
    }

    /**
     * Click models (and MF with BCE on labelled data) on the validation CTR rows' AUC, the others
     * on the validation lists' HR@10 (the CTR rows when the split has no lists).
     */
    private static Validation validation(String model, SplitData split) {
        boolean click = switch (model) {
            case "dcnv2", "autoint", "xdeepfm", "fibinet" -> true;
            case "mf-bce" -> split.manifest().source().explicitLabels();
            default -> false;
        };
        return switch (model) {
            case "random", "pop" -> null;
            default -> click ? ctrValidation(model, split) : rankingValidation(model, split);
        };
    }

    private static Validation rankingValidation(String model, SplitData split) {
        CandidateLists lists = split.validCandidates();
        if (lists.size() == 0) {
            return split.ctrValid().size() > 0 ? ctrValidation(model, split) : null;
        }
        return new Validation("hr@10", m -> logged(model, "hr@10", CrmEvaluation.hitRate(m::score, lists, 10)));
    }

    private static Validation ctrValidation(String model, SplitData split) {
        InteractionTable v = split.ctrValid();
        if (v.size() == 0) {
            return null;
        }
        int[] users = v.userColumn();
        int[] items = v.itemColumn();
        float[] labels = v.valueColumn();
        boolean hasBoth = false;
        for (float y : labels) {
            hasBoth |= y != labels[0];
        }
        if (!hasBoth) {
            return null;
        }
        return new Validation("auc", m -> logged(model, "auc", Auc.of(labels, m.score(users, items))));
    }

    /**
     * Each epoch's validation figure goes to the log, so settings can be compared on it; named by
     * model, as models may train side by side.
     */
    private static double logged(String model, String metric, double value) {
        LOG.info("{} validation {} {}", model, metric, String.format(java.util.Locale.ROOT, "%.4f", value));
        return value;
    }
}
