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
 * xDeepFM (Lian et al. 2018), a CTR model: a linear part, a compressed interaction network (CIN:
 * explicit vector-wise interactions of bounded degree) and a DNN (implicit interactions) over the
 * same field embeddings, summed into one logit; p = σ(logit), trained with binary cross-entropy.
 * The network is {@link XDeepFmNetwork}; training, scoring, calibration and the model file are
 * {@link CtrModel}'s.
 *
 * <p>Named intermediates: {@code cin_0} … {@code cin_{T-1}} (B × H_k·D, each CIN layer's feature
 * maps), {@code deep_out} (B × last hidden size, when there is a DNN) and {@code logit} (B × 1).
 */
public final class XDeepFm extends CtrModel<XDeepFmConfig, XDeepFm> {
    public static final String KIND = "xdeepfm";

    private XDeepFm(XDeepFmConfig config, CtrFeatures features, int[][] userHistories, ParameterSet params,
                    PlattScaling calibration) {
        super(config, features, userHistories, params, calibration);
    }

    /**
     * Trains xDeepFM on {@code train}. {@code userHistories} (U rows, oldest first) is what
     * {@link #score} uses as each user's history, usually
     * {@link org.tandemrec.data.InteractionTable#latestItemsByUser} of the training table.
     */
    public static XDeepFm fit(CtrFeatures features, CtrExamples train, int[][] userHistories, XDeepFmConfig config,
                              TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        int[][] hist = storedHistories(features, userHistories, config);
        ParameterSet params = XDeepFmNetwork.initialise(features, config, new SplittableRandom(trainConfig.seed()));
        return fit(new XDeepFm(config, features, hist, params, PlattScaling.identity()), train, trainConfig, hooks, validate);
    }

    @Override
    Map<String, NDArray> network(AutogradStep s, int[] users, int[] items, int[][] histories) {
        return XDeepFmNetwork.forward(s, parameters(), config(), features(), users, items, histories);
    }

    @Override
    XDeepFm with(ParameterSet params, PlattScaling calibration) {
        return new XDeepFm(config(), features(), userHistories(), params, calibration);
    }

    @Override public String kind() { return KIND; }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static XDeepFm load(Path file) {
        return load(file, KIND, XDeepFmConfig.class,
                (f, c) -> XDeepFmNetwork.initialise(f, c, new SplittableRandom(0)), XDeepFm::new);
    }
}
