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
 * DCNv2 (Wang et al. 2021, "DCN V2: Improved Deep &amp; Cross Network"), a CTR model.
 *
 * <p>Fields (each an embedding of size d, see {@link FieldEmbeddings}): user id, item id, the
 * item's categories, one per user-profile field, and the user's pooled history. Their
 * concatenation is x_0 (B × D, D = fields · d). Cross layer l (Eq. 1):
 * x_{l+1} = x_0 ⊙ (x_l W_l + b_l) + x_l with W_l D × D; or the low-rank mixture (Eq. 3):
 * x_{l+1} = Σ_k g_k(x_l) · x_0 ⊙ (U_k tanh(C_k tanh(V_k x_l)) + b_l) + x_l with softmax gates.
 * The deep network is a ReLU MLP; stacked: on x_L, parallel: on x_0 with [x_L, deep] fed to the
 * output. p = σ(logit), trained with binary cross-entropy. The network's parameters and forward
 * pass are {@link DcnV2Network}; training, scoring, calibration and the model file are
 * {@link CtrModel}'s.
 *
 * <p>Named intermediates (CoReLLa aligns LLM layers with them): {@code cross_0} … {@code cross_{L-1}}
 * (output of each cross layer, B × D), {@code deep_out} (B × last hidden size) and {@code logit}
 * (B × 1).
 */
public final class DcnV2 extends CtrModel<DcnV2Config, DcnV2> {
    public static final String KIND = "dcnv2";

    private DcnV2(DcnV2Config config, CtrFeatures features, int[][] userHistories, ParameterSet params,
                  PlattScaling calibration) {
        super(config, features, userHistories, params, calibration);
    }

    /**
     * Trains DCNv2 on {@code train}. {@code userHistories} (U rows, oldest first) is what
     * {@link #score} uses as each user's history, usually
     * {@link org.tandemrec.data.InteractionTable#latestItemsByUser} of the training table.
     */
    public static DcnV2 fit(CtrFeatures features, CtrExamples train, int[][] userHistories, DcnV2Config config,
                            TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        return fit(initial(features, userHistories, config, trainConfig.seed()), train, trainConfig, hooks, validate);
    }

    /**
     * An untrained DCNv2 (weights drawn as {@link #fit} draws them from {@code seed}): the start
     * of a joint training that skips the CRM's own pre-training (CoReLLa without stage 1).
     */
    public static DcnV2 initial(CtrFeatures features, int[][] userHistories, DcnV2Config config, long seed) {
        int[][] hist = storedHistories(features, userHistories, config);
        return new DcnV2(config, features, hist, DcnV2Network.initialise(features, config, new SplittableRandom(seed)),
                PlattScaling.identity());
    }

    @Override
    Map<String, NDArray> network(AutogradStep s, int[] users, int[] items, int[][] histories) {
        return DcnV2Network.forward(s, parameters(), config(), features(), users, items, histories);
    }

    @Override
    DcnV2 with(ParameterSet params, PlattScaling calibration) {
        return new DcnV2(config(), features(), userHistories(), params, calibration);
    }

    @Override public String kind() { return KIND; }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static DcnV2 load(Path file) {
        return load(file, KIND, DcnV2Config.class,
                (f, c) -> DcnV2Network.initialise(f, c, new SplittableRandom(0)), DcnV2::new);
    }
}
