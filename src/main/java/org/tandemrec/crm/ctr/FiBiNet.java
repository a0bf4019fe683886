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
 * FiBiNET (Huang et al. 2019), a CTR model: a SENET layer learns each field's importance from its
 * embedding, bilinear interactions of field pairs are taken on the original and the re-weighted
 * embeddings, and a DNN on their concatenation, plus a linear part, gives the logit; p = σ(logit),
 * trained with binary cross-entropy. The network is {@link FiBiNetNetwork}; training, scoring,
 * calibration and the model file are {@link CtrModel}'s.
 *
 * <p>Named intermediates: {@code senet_weights} (B × F, the field importances),
 * {@code bilinear} (B × 2·P·k, the combination layer), {@code deep_out} (when there is a DNN)
 * and {@code logit} (B × 1).
 */
public final class FiBiNet extends CtrModel<FiBiNetConfig, FiBiNet> {
    public static final String KIND = "fibinet";

    private FiBiNet(FiBiNetConfig config, CtrFeatures features, int[][] userHistories, ParameterSet params,
                    PlattScaling calibration) {
        super(config, features, userHistories, params, calibration);
    }

    /**
     * Trains FiBiNET on {@code train}. {@code userHistories} (U rows, oldest first) is what
     * {@link #score} uses as each user's history, usually
     * {@link org.tandemrec.data.InteractionTable#latestItemsByUser} of the training table.
     */
    public static FiBiNet fit(CtrFeatures features, CtrExamples train, int[][] userHistories, FiBiNetConfig config,
                              TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        int[][] hist = storedHistories(features, userHistories, config);
        ParameterSet params = FiBiNetNetwork.initialise(features, config, new SplittableRandom(trainConfig.seed()));
        return fit(new FiBiNet(config, features, hist, params, PlattScaling.identity()), train, trainConfig, hooks, validate);
    }

    @Override
    Map<String, NDArray> network(AutogradStep s, int[] users, int[] items, int[][] histories) {
        return FiBiNetNetwork.forward(s, parameters(), config(), features(), users, items, histories);
    }

    @Override
    FiBiNet with(ParameterSet params, PlattScaling calibration) {
        return new FiBiNet(config(), features(), userHistories(), params, calibration);
    }

    @Override public String kind() { return KIND; }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static FiBiNet load(Path file) {
        return load(file, KIND, FiBiNetConfig.class,
                (f, c) -> FiBiNetNetwork.initialise(f, c, new SplittableRandom(0)), FiBiNet::new);
    }
}
