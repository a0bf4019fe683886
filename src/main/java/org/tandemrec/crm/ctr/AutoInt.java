package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.Recommender;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * AutoInt (Song et al. 2019), a CTR model: the field embeddings interact through stacked
 * multi-head self-attention layers with residual connections, and a linear output over the final
 * field representations gives the logit; p = σ(logit), trained with binary cross-entropy. With
 * {@link AutoIntConfig#deepLayers()} it is the paper's AutoInt+. The network is
 * {@link AutoIntNetwork}; training, scoring, calibration and the model file are {@link CtrModel}'s.
 *
 * <p>Named intermediates: {@code attention_0} … {@code attention_{L-1}} (B × F·H·d'),
 * {@code deep_out} (AutoInt+ only) and {@code logit} (B × 1).
 */
public final class AutoInt extends CtrModel<AutoIntConfig, AutoInt> {
    public static final String KIND = "autoint";

    private AutoInt(AutoIntConfig config, CtrFeatures features, int[][] userHistories, ParameterSet params,
                    PlattScaling calibration) {
        super(config, features, userHistories, params, calibration);
    }

    /**
     * Trains AutoInt on {@code train}. {@code userHistories} (U rows, oldest first) is what
     * {@link #score} uses as each user's history, usually
     * {@link org.tandemrec.data.InteractionTable#latestItemsByUser} of the training table.
     */
    public static AutoInt fit(CtrFeatures features, CtrExamples train, int[][] userHistories, AutoIntConfig config,
                              TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        int[][] hist = storedHistories(features, userHistories, config);
        ParameterSet params = AutoIntNetwork.initialise(features, config, new SplittableRandom(trainConfig.seed()));
        return fit(new AutoInt(config, features, hist, params, PlattScaling.identity()), train, trainConfig, hooks, validate);
    }

    @Override
    Map<String, NDArray> network(AutogradStep s, int[] users, int[] items, int[][] histories) {
        return AutoIntNetwork.forward(s, parameters(), config(), features(), users, items, histories);
    }

    @Override
    AutoInt with(ParameterSet params, PlattScaling calibration) {
        return new AutoInt(config(), features(), userHistories(), params, calibration);
    }

    @Override public String kind() { return KIND; }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static AutoInt load(Path file) {
        return load(file, KIND, AutoIntConfig.class,
                (f, c) -> AutoIntNetwork.initialise(f, c, new SplittableRandom(0)), AutoInt::new);
    }
}
