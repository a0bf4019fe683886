package org.tandemrec.crm;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.tandemrec.data.InteractionTable;
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
            "lightgcn", "dcnv2");

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
            case "mf-bce" -> MatrixFactorization.fit(positives(train), MfConfig.bce(d), spec.train(), hooks,
                    rankingValidation(split));
            case "gmf" -> Ncf.fit(positives(train), NcfConfig.gmf(d), spec.train(), hooks, rankingValidation(split));
            case "mlp" -> Ncf.fit(positives(train), new NcfConfig(NcfConfig.Variant.MLP, d, List.of(2 * d, d, d / 2),
                    4, 0, 0.01), spec.train(), hooks, rankingValidation(split));
            case "neumf" -> Ncf.fit(positives(train), NcfConfig.neuMf(d), spec.train(), hooks, rankingValidation(split));
            case "lightgcn" -> LightGcn.fit(positives(train), LightGcnConfig.of(d, 3, 1e-4), spec.train(), hooks,
                    rankingValidation(split));
            case "dcnv2" -> Dcn.fit(labelled(split), split.itemInfo(), split.userProfiles(),
                    new DcnConfig(d, 3, List.of(256, 128), DcnConfig.Structure.STACKED, 10, 0, 0.01), spec.train(),
                    hooks, ctrValidation(split));
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

    /** Labelled rows for a click model; implicit data has no negatives, so they are drawn 1:1. */
    private static InteractionTable labelled(SplitData split) {
        if (split.manifest().source().explicitLabels()) {
            return split.train();
        }
        throw new IllegalArgumentException("dcnv2 needs labelled training data: split with --label-rule (e.g. '>=4'), "
                + "got a split of implicit feedback");
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
