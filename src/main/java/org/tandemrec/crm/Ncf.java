package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.data.InteractionTable;
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
 * <p>The towers are small (widths of tens), so forward and backward are written per example in
 * plain Java: per-pair work is a few thousand multiply-adds, far below what a DJL call per
 * batch would save, and the id tables stay row-sparse for lazy Adam.
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
        return fit(train, config, initialParameters(config, train.numUsers(), train.numItems(), trainConfig.seed()),
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
            throw new IllegalArgumentException("pre-training applies to NeuMF, got variant " + config.variant());
        }
        TrainHooks stage = new TrainHooks(null, null, false, hooks.showProgress());
        Ncf gmf = fit(train, new NcfConfig(NcfConfig.Variant.GMF, config.gmfDim(), List.of(), config.negatives(),
                config.l2(), config.initStd()), trainConfig, stage, validate);
        Ncf mlp = fit(train, new NcfConfig(NcfConfig.Variant.MLP, config.gmfDim(), config.mlpLayers(), config.negatives(),
                config.l2(), config.initStd()), trainConfig, stage, validate);
        Ncf start = combine(config, gmf, mlp, 0.5);
        ParameterSet params = initialParameters(config, train.numUsers(), train.numItems(), trainConfig.seed());
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
        for (Parameter p : initialParameters(config, gmf.numUsers, gmf.numItems, 0).list()) {
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
        Task task = new Task(config, UserItems.of(train), train, params, start);
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(
                new Ncf(config, train.numUsers(), train.numItems(), live(params))));
        new Trainer(trainConfig).fit(task, h);
        Map<String, float[]> copy = new LinkedHashMap<>();
        live(params).forEach((k, v) -> copy.put(k, v.clone()));
        return new Ncf(config, train.numUsers(), train.numItems(), copy);
    }

    private static Map<String, float[]> live(ParameterSet params) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : params.list()) {
            m.put(p.name(), p.value());
        }
        return m;
    }

    private static ParameterSet initialParameters(NcfConfig c, int nu, int ni, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> ps = new ArrayList<>();
        int headIn = 0;
        if (c.hasGmf()) {
            ps.add(Parameter.table("gmf_user", nu, c.gmfDim(), WeightInit.normal(nu * c.gmfDim(), c.initStd(), r)));
            ps.add(Parameter.table("gmf_item", ni, c.gmfDim(), WeightInit.normal(ni * c.gmfDim(), c.initStd(), r)));
            headIn += c.gmfDim();
        }
        if (c.hasMlp()) {
            List<Integer> w = c.mlpLayers();
            int half = w.get(0) / 2;
            ps.add(Parameter.table("mlp_user", nu, half, WeightInit.normal(nu * half, c.initStd(), r)));
            ps.add(Parameter.table("mlp_item", ni, half, WeightInit.normal(ni * half, c.initStd(), r)));
            for (int l = 0; l + 1 < w.size(); l++) {
                ps.add(Parameter.dense("mlp_w" + l, w.get(l + 1), w.get(l), WeightInit.glorotUniform(w.get(l), w.get(l + 1), r)));
                ps.add(WeightInit.zeros("mlp_b" + l, w.get(l + 1)));
            }
            headIn += w.get(w.size() - 1);
        }
        ps.add(Parameter.dense("head_w", 1, headIn, WeightInit.glorotUniform(headIn, 1, r)));
        ps.add(WeightInit.zeros("head_b", 1));
        return new ParameterSet(ps);
    }

    /** Per-example activations: the forward pass of one (u, i) pair, kept for the backward pass. */
    private static final class Pass {
        final float[] gmf;
        final float[][] act;
        final float[] head;
        float logit;

        Pass(NcfConfig c) {
            gmf = new float[c.hasGmf() ? c.gmfDim() : 0];
            List<Integer> w = c.mlpLayers();
            act = new float[c.hasMlp() ? w.size() : 0][];
            for (int l = 0; l < act.length; l++) {
                act[l] = new float[w.get(l)];
            }
            head = new float[(c.hasGmf() ? c.gmfDim() : 0) + (c.hasMlp() ? w.get(w.size() - 1) : 0)];
        }
    }

    private static void forward(NcfConfig c, Map<String, float[]> p, int u, int i, Pass s) {
        int h = 0;
        if (c.hasGmf()) {
            int d = c.gmfDim();
            float[] pu = p.get("gmf_user");
            float[] qi = p.get("gmf_item");
            for (int k = 0; k < d; k++) {
                s.gmf[k] = pu[u * d + k] * qi[i * d + k];
                s.head[h++] = s.gmf[k];
            }
        }
        if (c.hasMlp()) {
            List<Integer> w = c.mlpLayers();
            int half = w.get(0) / 2;
            System.arraycopy(p.get("mlp_user"), u * half, s.act[0], 0, half);
            System.arraycopy(p.get("mlp_item"), i * half, s.act[0], half, half);
            for (int l = 0; l + 1 < w.size(); l++) {
                float[] wl = p.get("mlp_w" + l);
                float[] bl = p.get("mlp_b" + l);
                float[] in = s.act[l];
                float[] out = s.act[l + 1];
                int nin = in.length;
                for (int o = 0; o < out.length; o++) {
                    float z = bl[o];
                    for (int k = 0, base = o * nin; k < nin; k++) {
                        z += wl[base + k] * in[k];
                    }
                    out[o] = z > 0 ? z : 0;
                }
            }
            float[] last = s.act[s.act.length - 1];
            System.arraycopy(last, 0, s.head, h, last.length);
        }
        float[] hw = p.get("head_w");
        float z = p.get("head_b")[0];
        for (int k = 0; k < s.head.length; k++) {
            z += hw[k] * s.head[k];
        }
        s.logit = z;
    }

    /** The training task over fresh parameters (package-private for gradient checks). */
    static TrainingTask trainingTask(InteractionTable train, NcfConfig config, long seed) {
        return new Task(config, UserItems.of(train),
                train, initialParameters(config, train.numUsers(), train.numItems(), seed), "random start");
    }

    private static final class Task implements TrainingTask {
        private final NcfConfig config;
        private final UserItems index;
        private final int[] users;
        private final int[] items;
        private final ParameterSet params;
        private final Map<String, float[]> values;
        private final String start;

        Task(NcfConfig config, UserItems index, InteractionTable train, ParameterSet params, String start) {
            this.start = start;
            this.config = config;
            this.index = index;
            this.users = train.userColumn();
            this.items = train.itemColumn();
            this.params = params;
            this.values = live(params);
        }

        @Override public String modelName() { return KIND; }
        @Override public String configFingerprint() {
            return config + " " + start + " users=" + index.numUsers() + " items=" + index.numItems() + " n=" + users.length;
        }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return users.length; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            int per = 1 + config.negatives();
            float inv = 1f / (batch.length * per);
            Pass s = new Pass(config);
            float[][] delta = new float[s.act.length][];
            for (int l = 0; l < s.act.length; l++) {
                delta[l] = new float[s.act[l].length];
            }
            float[] gmfGrad = new float[s.gmf.length];
            double loss = 0;
            for (int k : batch) {
                int u = users[k];
                for (int t = 0; t < per; t++) {
                    int i = t == 0 ? items[k] : index.sampleNegative(u, random);
                    float y = t == 0 ? 1f : 0f;
                    forward(config, values, u, i, s);
                    loss += Logistic.softplus(s.logit) - y * s.logit + 0.5 * config.l2() * squaredEmbeddings(u, i);
                    backward(u, i, (Logistic.sigmoid(s.logit) - y) * inv, s, delta, gmfGrad, inv);
                }
            }
            return loss * inv;
        }

        /** ‖p^G_u‖² + ‖q^G_i‖² + ‖p^M_u‖² + ‖q^M_i‖²: the L2 term whose gradient backward() adds. */
        private double squaredEmbeddings(int u, int i) {
            if (config.l2() == 0) {
                return 0;
            }
            double s = 0;
            if (config.hasGmf()) {
                int d = config.gmfDim();
                s += RowMajor.dot(values.get("gmf_user"), u * d, values.get("gmf_user"), u * d, d);
                s += RowMajor.dot(values.get("gmf_item"), i * d, values.get("gmf_item"), i * d, d);
            }
            if (config.hasMlp()) {
                int m = config.mlpLayers().get(0) / 2;
                s += RowMajor.dot(values.get("mlp_user"), u * m, values.get("mlp_user"), u * m, m);
                s += RowMajor.dot(values.get("mlp_item"), i * m, values.get("mlp_item"), i * m, m);
            }
            return s;
        }

        private void backward(int u, int i, float g, Pass s, float[][] delta, float[] gmfGrad, float inv) {
            float[] hw = values.get("head_w");
            float[] hwGrad = params.get("head_w").grad();
            for (int k = 0; k < s.head.length; k++) {
                hwGrad[k] += g * s.head[k];
            }
            params.get("head_b").grad()[0] += g;
            int h = 0;
            float l2 = (float) config.l2() * inv;
            if (config.hasGmf()) {
                int d = config.gmfDim();
                float[] pu = values.get("gmf_user");
                float[] qi = values.get("gmf_item");
                for (int k = 0; k < d; k++) {
                    gmfGrad[k] = g * hw[h++];
                }
                Parameter pp = params.get("gmf_user");
                Parameter qp = params.get("gmf_item");
                int ou = pp.gradSlot(u);
                float[] gu = pp.slotGrad();
                for (int k = 0; k < d; k++) {
                    gu[ou + k] += gmfGrad[k] * qi[i * d + k] + l2 * pu[u * d + k];
                }
                int oi = qp.gradSlot(i);
                float[] gi = qp.slotGrad();
                for (int k = 0; k < d; k++) {
                    gi[oi + k] += gmfGrad[k] * pu[u * d + k] + l2 * qi[i * d + k];
                }
            }
            if (config.hasMlp()) {
                List<Integer> w = config.mlpLayers();
                int layers = w.size() - 1;
                float[] top = delta[layers];
                for (int k = 0; k < top.length; k++) {
                    top[k] = g * hw[h + k];
                }
                for (int l = layers - 1; l >= 0; l--) {
                    float[] out = s.act[l + 1];
                    float[] in = s.act[l];
                    float[] dOut = delta[l + 1];
                    float[] dIn = delta[l];
                    java.util.Arrays.fill(dIn, 0f);
                    float[] wl = values.get("mlp_w" + l);
                    float[] wGrad = params.get("mlp_w" + l).grad();
                    float[] bGrad = params.get("mlp_b" + l).grad();
                    int nin = in.length;
                    for (int o = 0; o < out.length; o++) {
                        if (out[o] <= 0) {
                            continue; // ReLU gate (its output is 0 exactly when the pre-activation is <= 0)
                        }
                        float dz = dOut[o];
                        bGrad[o] += dz;
                        for (int k = 0, base = o * nin; k < nin; k++) {
                            wGrad[base + k] += dz * in[k];
                            dIn[k] += dz * wl[base + k];
                        }
                    }
                }
                int half = w.get(0) / 2;
                float[] mu = values.get("mlp_user");
                float[] mi = values.get("mlp_item");
                Parameter up = params.get("mlp_user");
                Parameter ip = params.get("mlp_item");
                int ou = up.gradSlot(u);
                float[] gu = up.slotGrad();
                for (int k = 0; k < half; k++) {
                    gu[ou + k] += delta[0][k] + l2 * mu[u * half + k];
                }
                int oi = ip.gradSlot(i);
                float[] gi = ip.slotGrad();
                for (int k = 0; k < half; k++) {
                    gi[oi + k] += delta[0][half + k] + l2 * mi[i * half + k];
                }
            }
        }
    }

    @Override public String kind() { return KIND; }
    public NcfConfig config() { return config; }
    @Override public int numUsers() { return numUsers; }
    @Override public int numItems() { return numItems; }
    @Override public ScoreKind scoreKind() { return ScoreKind.PROBABILITY; }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        Pass s = new Pass(config);
        float[] out = new float[users.length];
        for (int b = 0; b < users.length; b++) {
            forward(config, weights, users[b], items[b], s);
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
        Pass s = new Pass(config);
        float[] gmf = new float[batch * s.gmf.length];
        float[][] layers = new float[Math.max(0, s.act.length - 1)][];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new float[batch * s.act[l + 1].length];
        }
        float[] logit = new float[batch];
        float[] score = new float[batch];
        for (int b = 0; b < batch; b++) {
            forward(config, weights, users[b], items[b], s);
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
    public void save(Path file) {
        ParameterSet shapes = initialParameters(config, numUsers, numItems, 0);
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        for (Parameter p : shapes.list()) {
            t.put(p.name(), new ModelFile.Tensor(p.rows(), p.cols(), weights.get(p.name())));
        }
        t.put("counts", new ModelFile.Tensor(1, 2, new float[] {numUsers, numItems}));
        ModelFile.write(file, KIND, config, t);
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static Ncf load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        NcfConfig cfg = c.config(file, NcfConfig.class);
        float[] counts = c.tensor(file, "counts", 1, 2).values();
        int nu = (int) counts[0];
        int ni = (int) counts[1];
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Parameter p : initialParameters(cfg, nu, ni, 0).list()) {
            w.put(p.name(), c.tensor(file, p.name(), p.rows(), p.cols()).values());
        }
        return new Ncf(cfg, nu, ni, w);
    }
}
