package org.tandemrec.crm.cf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.split.UserItems;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * GMF, MLP and NeuMF (He et al., WWW 2017, §3.2–3.4):
 * φ_G = p^G_u ⊙ q^G_i (eq. 9); φ_M = a_L(W_L(… a_1(W_1 [p^M_u; q^M_i] + b_1) …) + b_L), ReLU (eq. 10);
 * ŷ = σ(hᵀ [φ_G; φ_M] + b) (eq. 11–12), trained with binary cross-entropy on each positive and
 * {@code negatives} uniformly sampled unseen items (§4.1: 4 per positive).
 *
 * <p>This class is the trained model (scores, embeddings, intermediates, its file) and the
 * entry points that train it; {@link NcfNetwork} holds the parameters' layout and the forward
 * pass, {@link NcfTrainingTask} the loss and the backward pass.
 * Shapes: d GMF size, m_0 MLP input (each MLP embedding m_0/2), m_l layer widths.
 */
public final class Ncf implements Recommender {
    public static final String KIND = "ncf";

    private final NcfConfig config;
    private final int numUsers;
    private final int numItems;
    private final Map<String, float[]> weights;

    private Ncf(NcfConfig config, int numUsers, int numItems, Map<String, float[]> weights) {
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.weights = weights;
    }

    /** Trains GMF / MLP / NeuMF on {@code train}; {@code validate} (may be null) scores each epoch. */
    public static Ncf fit(InteractionTable train, NcfConfig config, TrainConfig trainConfig, TrainHooks hooks,
                          ToDoubleFunction<Recommender> validate) {
        return fit(train, config,
                NcfNetwork.initialParameters(config, train.numUsers(), train.numItems(), trainConfig.seed()),
                "random start", trainConfig, hooks, validate);
    }

    /**
     * The learning rate of NeuMF's fine-tuning after pre-training, as a fraction of the given
     * one: the paper fine-tunes with plain SGD because Adam's moment estimates of the separate
     * models are not carried over; a small-step Adam from fresh moments serves the same purpose
     * (large first steps would undo the pre-trained towers).
     */
    static final double FINE_TUNE_RATE = 0.1;

    /**
     * NeuMF with pre-training (He et al. 2017, §3.4.1): GMF and MLP with the towers of
     * {@code config} are trained first (each with early stopping on {@code validate}); NeuMF
     * starts from their embeddings and MLP layers, with output weights h = [α·h_GMF; (1−α)·h_MLP]
     * and bias α·b_GMF + (1−α)·b_MLP, α = 0.5, and is then fine-tuned at
     * {@link #FINE_TUNE_RATE} times the learning rate. Only the fine-tuning is checkpointed; a
     * resumed run retrains the two (seeded, hence identical) pre-training stages first.
     */
    public static Ncf fitPretrained(InteractionTable train, NcfConfig config, TrainConfig trainConfig, TrainHooks hooks,
                                    ToDoubleFunction<Recommender> validate) {
        if (config.variant() != NcfConfig.Variant.NEUMF) {
            throw new UsageException("pre-training applies to NeuMF, got variant " + config.variant());
        }
        TrainHooks stage = new TrainHooks(null, null, false, hooks.showProgress());
        Ncf gmf = fit(train, new NcfConfig(NcfConfig.Variant.GMF, config.gmfDim(), List.of(), config.negatives(),
                config.l2(), config.initStd()), trainConfig, stage, validate);
        Ncf mlp = fit(train, new NcfConfig(NcfConfig.Variant.MLP, config.gmfDim(), config.mlpLayers(), config.negatives(),
                config.l2(), config.initStd()), trainConfig, stage, validate);
        Ncf start = combine(config, gmf, mlp, 0.5);
        ParameterSet params = NcfNetwork.initialParameters(config, train.numUsers(), train.numItems(), trainConfig.seed());
        for (Parameter p : params.list()) {
            System.arraycopy(start.weights.get(p.name()), 0, p.value(), 0, p.value().length);
        }
        TrainConfig fineTune = trainConfig.toBuilder().learningRate(trainConfig.learningRate() * FINE_TUNE_RATE).build();
        return fit(train, config, params, "pre-trained start", fineTune, hooks, validate);
    }

    /**
     * NeuMF ({@code config}) made of a trained GMF and MLP with its towers' sizes: their
     * embeddings and MLP layers as they are, output weights [α·h_GMF; (1−α)·h_MLP] and bias
     * α·b_GMF + (1−α)·b_MLP, so that its logit is α·(GMF logit) + (1−α)·(MLP logit).
     */
    static Ncf combine(NcfConfig config, Ncf gmf, Ncf mlp, double alpha) {
        if (config.variant() != NcfConfig.Variant.NEUMF || gmf.config.variant() != NcfConfig.Variant.GMF
                || mlp.config.variant() != NcfConfig.Variant.MLP) {
            throw new IllegalArgumentException("combine needs a NeuMF config, a GMF and an MLP, got " + config.variant()
                    + ", " + gmf.config.variant() + ", " + mlp.config.variant());
        }
        if (gmf.config.gmfDim() != config.gmfDim() || !mlp.config.mlpLayers().equals(config.mlpLayers())
                || gmf.numUsers != mlp.numUsers || gmf.numItems != mlp.numItems) {
            throw new IllegalArgumentException("GMF size " + gmf.config.gmfDim() + " and MLP tower " + mlp.config.mlpLayers()
                    + " must match NeuMF's " + config.gmfDim() + " and " + config.mlpLayers() + " over the same users and items");
        }
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Parameter p : NcfNetwork.initialParameters(config, gmf.numUsers, gmf.numItems, 0).list()) {
            float[] v = new float[p.value().length];
            switch (p.name()) {
                case "head_w" -> {
                    float[] g = gmf.weights.get("head_w");
                    float[] m = mlp.weights.get("head_w");
                    for (int k = 0; k < g.length; k++) {
                        v[k] = (float) (alpha * g[k]);
                    }
                    for (int k = 0; k < m.length; k++) {
                        v[g.length + k] = (float) ((1 - alpha) * m[k]);
                    }
                }
                case "head_b" -> v[0] = (float) (alpha * gmf.weights.get("head_b")[0]
                        + (1 - alpha) * mlp.weights.get("head_b")[0]);
                default -> System.arraycopy((p.name().startsWith("gmf_") ? gmf : mlp).weights.get(p.name()), 0, v, 0,
                        v.length);
            }
            w.put(p.name(), v);
        }
        return new Ncf(config, gmf.numUsers, gmf.numItems, w);
    }

    /** {@code start} names where {@code params} come from; a checkpoint is resumed only from the same start. */
    private static Ncf fit(InteractionTable train, NcfConfig config, ParameterSet params, String start,
                           TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        NcfTrainingTask task = new NcfTrainingTask(config, UserItems.of(train), train, params, start);
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(
                new Ncf(config, train.numUsers(), train.numItems(), NcfNetwork.live(params))));
        new Trainer(trainConfig).fit(task, h);
        Map<String, float[]> copy = new LinkedHashMap<>();
        NcfNetwork.live(params).forEach((k, v) -> copy.put(k, v.clone()));
        return new Ncf(config, train.numUsers(), train.numItems(), copy);
    }

    /** The training task over fresh parameters (package-private for gradient checks). */
    static TrainingTask trainingTask(InteractionTable train, NcfConfig config, long seed) {
        return new NcfTrainingTask(config, UserItems.of(train),
                train, NcfNetwork.initialParameters(config, train.numUsers(), train.numItems(), seed), "random start");
    }

    @Override public String kind() { return KIND; }
    public NcfConfig config() { return config; }
    @Override public int numUsers() { return numUsers; }
    @Override public int numItems() { return numItems; }
    @Override public ScoreKind scoreKind() { return ScoreKind.PROBABILITY; }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        NcfNetwork.Pass s = new NcfNetwork.Pass(config);
        float[] out = new float[users.length];
        for (int b = 0; b < users.length; b++) {
            NcfNetwork.forward(config, weights, users[b], items[b], s);
            out[b] = Logistic.sigmoid(s.logit);
        }
        return out;
    }

    /** Per user [p^G_u ; p^M_u] (whichever towers exist), U × (d + m_0/2). */
    @Override
    public float[][] userEmbeddings() {
        return concat("gmf_user", "mlp_user", numUsers);
    }

    /** Per item [q^G_i ; q^M_i], I × (d + m_0/2). */
    @Override
    public float[][] itemEmbeddings() {
        return concat("gmf_item", "mlp_item", numItems);
    }

    private float[][] concat(String gmf, String mlp, int n) {
        int d = config.hasGmf() ? config.gmfDim() : 0;
        int m = config.hasMlp() ? config.mlpLayers().get(0) / 2 : 0;
        float[][] out = new float[n][d + m];
        for (int r = 0; r < n; r++) {
            if (d > 0) {
                System.arraycopy(weights.get(gmf), r * d, out[r], 0, d);
            }
            if (m > 0) {
                System.arraycopy(weights.get(mlp), r * m, out[r], d, m);
            }
        }
        return out;
    }

    /**
     * {@code gmf} (B × d, φ_G), {@code mlp_0} … {@code mlp_{L-1}} (B × m_l, each ReLU layer's
     * output), {@code logit} and {@code score} (B × 1).
     */
    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        int batch = users.length;
        NcfNetwork.Pass s = new NcfNetwork.Pass(config);
        float[] gmf = new float[batch * s.gmf.length];
        float[][] layers = new float[Math.max(0, s.act.length - 1)][];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new float[batch * s.act[l + 1].length];
        }
        float[] logit = new float[batch];
        float[] score = new float[batch];
        for (int b = 0; b < batch; b++) {
            NcfNetwork.forward(config, weights, users[b], items[b], s);
            System.arraycopy(s.gmf, 0, gmf, b * s.gmf.length, s.gmf.length);
            for (int l = 0; l < layers.length; l++) {
                System.arraycopy(s.act[l + 1], 0, layers[l], b * s.act[l + 1].length, s.act[l + 1].length);
            }
            logit[b] = s.logit;
            score[b] = Logistic.sigmoid(s.logit);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (config.hasGmf()) {
            out.put("gmf", manager.create(gmf, new Shape(batch, s.gmf.length)));
        }
        for (int l = 0; l < layers.length; l++) {
            out.put("mlp_" + l, manager.create(layers[l], new Shape(batch, s.act[l + 1].length)));
        }
        out.put("logit", RowMajor.column(manager, logit));
        out.put("score", RowMajor.column(manager, score));
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        ParameterSet shapes = NcfNetwork.initialParameters(config, numUsers, numItems, 0);
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        for (Parameter p : shapes.list()) {
            t.put(p.name(), new ModelFile.Tensor(p.rows(), p.cols(), weights.get(p.name())));
        }
        t.put(ModelFile.COUNTS, ModelFile.counts(numUsers, numItems));
        ModelFile.write(file, KIND, trainedOn, config, t);
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static Ncf load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        NcfConfig cfg = c.config(file, NcfConfig.class);
        int[] counts = c.counts(file);
        int nu = counts[0];
        int ni = counts[1];
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Parameter p : NcfNetwork.initialParameters(cfg, nu, ni, 0).list()) {
            w.put(p.name(), c.tensor(file, p.name(), p.rows(), p.cols()).values());
        }
        return new Ncf(cfg, nu, ni, w);
    }
}
