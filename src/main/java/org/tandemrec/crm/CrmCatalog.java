package org.tandemrec.crm;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;
import org.tandemrec.eval.Auc;
import org.tandemrec.split.CandidateLists;
import org.tandemrec.split.SplitData;
import org.tandemrec.train.TrainHooks;

/**
 * Every conventional recommender by name, trained the same way from a split directory: on its
 * training interactions, with early stopping on its validation part (HR@10 over the validation
 * candidate lists for ranking models, AUC over the validation CTR set for click models).
 */
public final class CrmCatalog {
    /** Model names accepted by {@code tandem train crm --model}. */
    public static final List<String> MODELS = List.of("random", "pop", "mf-bpr", "mf-bce", "gmf", "mlp", "neumf",
            "lightgcn", "dcnv2", "sasrec", "gru4rec", "bert4rec");

    private CrmCatalog() {
    }

    /** Trains the model {@code spec} names on {@code split}. */
    public static Recommender train(CrmSpec spec, SplitData split, TrainHooks hooks) {
        InteractionTable train = split.train();
        int d = spec.dim();
        return switch (spec.model()) {
            case "random" -> new RandomRecommender(new RandomRecommender.Config(spec.train().seed(), train.numUsers(),
                    train.numItems()));
            case "pop" -> PopularityRecommender.fit(train);
            case "mf-bpr" -> MatrixFactorization.fit(positives(train), MfConfig.bpr(d), spec.train(), hooks,
                    rankingValidation(split));
            case "mf-bce" -> split.manifest().source().explicitLabels()
                    ? MatrixFactorization.fit(train, MfConfig.labelledBce(d), spec.train(), hooks, ctrValidation(split))
                    : MatrixFactorization.fit(positives(train), MfConfig.bce(d), spec.train(), hooks,
                            rankingValidation(split));
            case "gmf" -> Ncf.fit(positives(train), NcfConfig.gmf(d), spec.train(), hooks, rankingValidation(split));
            case "mlp" -> Ncf.fit(positives(train), new NcfConfig(NcfConfig.Variant.MLP, d, List.of(2 * d, d, d / 2),
                    4, 0, 0.01), spec.train(), hooks, rankingValidation(split));
            case "neumf" -> Ncf.fit(positives(train), NcfConfig.neuMf(d), spec.train(), hooks, rankingValidation(split));
            case "lightgcn" -> LightGcn.fit(positives(train), LightGcnConfig.of(d, 3, 1e-4), spec.train(), hooks,
                    rankingValidation(split));
            case "dcnv2" -> dcnV2(spec, split, hooks);
            case "sasrec" -> SasRec.fit(positives(train), withDim(SasRecConfig.defaults(), d), spec.train(), hooks,
                    rankingValidation(split));
            case "gru4rec" -> Gru4Rec.fit(positives(train), new Gru4RecConfig(d, Gru4RecConfig.defaults().maxLength(),
                    Gru4RecConfig.defaults().dropout()), spec.train(), hooks, rankingValidation(split));
            case "bert4rec" -> Bert4Rec.fit(positives(train), withDim(Bert4RecConfig.defaults(), d), spec.train(), hooks,
                    rankingValidation(split));
            default -> throw new IllegalArgumentException("model must be one of " + MODELS + ", got '" + spec.model() + "'");
        };
    }

    /**
     * The training rows a one-class model learns from: every row of implicit data, the positive
     * rows of labelled data (a rating below the threshold is not an interaction to imitate).
     */
    static InteractionTable positives(InteractionTable train) {
        return train.filter(r -> train.value(r) > 0f);
    }

    /**
     * DCNv2 on the labelled training rows with item categories, user profile fields and each row's
     * pooled earlier history; at scoring time a user's history is their latest training items.
     */
    private static DcnV2 dcnV2(CrmSpec spec, SplitData split, TrainHooks hooks) {
        if (!split.manifest().source().explicitLabels()) {
            throw new IllegalArgumentException("dcnv2 needs labelled training data: split with --label-rule (e.g. '>=4'), "
                    + "got a split of implicit feedback");
        }
        DcnV2Config base = DcnV2Config.defaults();
        DcnV2Config config = new DcnV2Config(spec.dim(), base.crossLayers(), base.crossKind(), base.rank(), base.experts(),
                base.deepLayers(), base.structure(), base.historyLength(), base.initStd());
        InteractionTable train = split.train();
        CtrFeatures features = CtrFeatures.encode(train.numUsers(), train.numItems(), split.itemInfo(),
                split.userProfiles());
        // The split's values are already 0/1 labels; ">= 0.5" keeps them as they are.
        CtrExamples examples = CtrExamples.of(train, LabelRule.atLeast(0.5f), config.historyLength());
        return DcnV2.fit(features, examples, CtrFeatures.latestHistories(train, config.historyLength()), config,
                spec.train(), hooks, ctrValidation(split));
    }

    private static SasRecConfig withDim(SasRecConfig c, int d) {
        return new SasRecConfig(d, c.maxLength(), c.blocks(), c.heads(), c.dropout());
    }

    private static Bert4RecConfig withDim(Bert4RecConfig c, int d) {
        return new Bert4RecConfig(d, c.maxLength(), c.blocks(), c.heads(), c.dropout(), c.maskProbability());
    }

    private static ToDoubleFunction<Recommender> rankingValidation(SplitData split) {
        CandidateLists lists = split.validCandidates();
        if (lists.size() == 0) {
            return split.ctrValid().size() > 0 ? ctrValidation(split) : null;
        }
        return m -> CrmEvaluation.hitRate(m::score, lists, 10);
    }

    private static ToDoubleFunction<Recommender> ctrValidation(SplitData split) {
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
        return m -> Auc.of(labels, m.score(users, items));
    }
}
