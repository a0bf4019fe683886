package org.tandemrec.crm.cf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.crm.WeightInit;
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
 * Biased matrix factorisation: ŷ_ui = p_u · q_i + b_u + b_i + b. With BPR (Rendle et al. 2009)
 * the loss is −log σ(ŷ_ui − ŷ_uj) for a sampled unseen j (b_u and b cancel, b_i is still
 * learnt); with BCE it is the binary cross-entropy of σ(ŷ) on each row's label and its sampled
 * negatives, and {@link #score} returns σ(ŷ). The user bias matters for CTR: without it a
 * user's overall like rate must be squeezed into p_u · q_i. Shapes: P is U × d, Q is I × d,
 * b_u is U × 1, b_i is I × 1.
 */
public final class MatrixFactorization implements Recommender {
    public static final String KIND = "mf";

    private final MfConfig config;
    private final int numUsers;
    private final int numItems;
    private final float[] userFactors;
    private final float[] itemFactors;
    private final float[] userBias;
    private final float[] itemBias;
    private final float globalBias;

    private MatrixFactorization(MfConfig config, int numUsers, int numItems, float[] p, float[] q, float[] bu, float[] bi,
                                float b) {
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.userFactors = p;
        this.itemFactors = q;
        this.userBias = bu;
        this.itemBias = bi;
        this.globalBias = b;
    }

    /** Trains MF on {@code train}; {@code validate} (may be null) scores the model after each epoch. */
    public static MatrixFactorization fit(InteractionTable train, MfConfig config, TrainConfig trainConfig,
                                          TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        UserItems index = UserItems.of(train);
        ParameterSet params = initialParameters(train, config, trainConfig.seed());
        Parameter p = params.get("user_factors");
        Parameter q = params.get("item_factors");
        Parameter bu = params.get("user_bias");
        Parameter bi = params.get("item_bias");
        Parameter b = params.get("bias");
        Task task = new Task(config, index, train, params);
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(
                new MatrixFactorization(config, train.numUsers(), train.numItems(), p.value(), q.value(), bu.value(),
                        bi.value(), b.value()[0])));
        new Trainer(trainConfig).fit(task, h);
        return new MatrixFactorization(config, train.numUsers(), train.numItems(), p.value().clone(), q.value().clone(),
                bu.value().clone(), bi.value().clone(), b.value()[0]);
    }

    /** The training task over fresh parameters (package-private for gradient checks). */
    static TrainingTask trainingTask(InteractionTable train, MfConfig config, long seed) {
        return new Task(config, UserItems.of(train), train, initialParameters(train, config, seed));
    }

    /** P and Q from N(0, initStd²) (P first, then Q, from one stream), the biases zero. */
    private static ParameterSet initialParameters(InteractionTable train, MfConfig config, long seed) {
        int d = config.dim();
        int nu = train.numUsers();
        int ni = train.numItems();
        SplittableRandom init = new SplittableRandom(seed);
        return ParameterSet.of(
                Parameter.table("user_factors", nu, d, WeightInit.normal(nu * d, config.initStd(), init)),
                Parameter.table("item_factors", ni, d, WeightInit.normal(ni * d, config.initStd(), init)),
                Parameter.table("user_bias", nu, 1, new float[nu]),
                Parameter.table("item_bias", ni, 1, new float[ni]),
                Parameter.dense("bias", 1, 1, new float[1]));
    }

    private static final class Task implements TrainingTask {
        private final MfConfig config;
        private final UserItems index;
        private final int[] users;
        private final int[] items;
        private final float[] targets;
        private final ParameterSet params;
        private final Parameter p;
        private final Parameter q;
        private final Parameter bu;
        private final Parameter bi;
        private final Parameter b;

        Task(MfConfig config, UserItems index, InteractionTable train, ParameterSet params) {
            this.config = config;
            this.index = index;
            this.users = train.userColumn();
            this.items = train.itemColumn();
            this.targets = train.valueColumn();
            this.params = params;
            this.p = params.get("user_factors");
            this.q = params.get("item_factors");
            this.bu = params.get("user_bias");
            this.bi = params.get("item_bias");
            this.b = params.get("bias");
        }

        @Override public String modelName() { return KIND; }
        @Override public String configFingerprint() {
            return config + " users=" + index.numUsers() + " items=" + index.numItems() + " n=" + users.length;
        }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return users.length; }

        private float raw(int u, int i) {
            int d = config.dim();
            return RowMajor.dot(p.value(), u * d, q.value(), i * d, d) + bu.value()[u] + bi.value()[i] + b.value()[0];
        }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            return config.loss() == MfConfig.Loss.BPR ? bpr(batch, random) : bce(batch, random);
        }

        private void addUserBias(int user, float g) {
            int o = bu.gradSlot(user); // may grow the buffer: fetch slotGrad() after it
            bu.slotGrad()[o] += g;
        }

        private void addBias(int item, float g) {
            int o = bi.gradSlot(item); // may grow the buffer: fetch slotGrad() after it
            bi.slotGrad()[o] += g;
        }

        private double bpr(int[] batch, SplittableRandom random) {
            int d = config.dim();
            float inv = 1f / batch.length;
            float l2 = (float) config.l2();
            float[] pv = p.value();
            float[] qv = q.value();
            float[] diff = new float[d];
            double loss = 0;
            for (int k : batch) {
                int u = users[k];
                int i = items[k];
                int j = index.sampleNegative(u, random);
                float x = raw(u, i) - raw(u, j);
                loss += Logistic.softplus(-x);
                if (l2 > 0) {
                    loss += 0.5 * l2 * (RowMajor.dot(pv, u * d, pv, u * d, d) + RowMajor.dot(qv, i * d, qv, i * d, d)
                            + RowMajor.dot(qv, j * d, qv, j * d, d));
                }
                float g = -Logistic.sigmoid(-x) * inv;
                for (int c = 0; c < d; c++) {
                    diff[c] = qv[i * d + c] - qv[j * d + c];
                }
                p.addRowGrad(u, diff, 0, g);
                q.addRowGrad(i, pv, u * d, g);
                q.addRowGrad(j, pv, u * d, -g);
                addBias(i, +g);
                addBias(j, -g);
                if (l2 > 0) {
                    p.addRowGrad(u, pv, u * d, l2 * inv);
                    q.addRowGrad(i, qv, i * d, l2 * inv);
                    q.addRowGrad(j, qv, j * d, l2 * inv);
                }
            }
            return loss * inv;
        }

        private double bce(int[] batch, SplittableRandom random) {
            int d = config.dim();
            int per = 1 + config.negatives();
            float inv = 1f / (batch.length * per);
            float l2 = (float) config.l2();
            float[] pv = p.value();
            float[] qv = q.value();
            double loss = 0;
            for (int k : batch) {
                int u = users[k];
                for (int s = 0; s < per; s++) {
                    int i = s == 0 ? items[k] : index.sampleNegative(u, random);
                    // The row itself carries its label (1 for implicit data); sampled items are negatives.
                    float y = s == 0 ? targets[k] : 0f;
                    float z = raw(u, i);
                    // BCE with logits: softplus(z) − y·z; gradient σ(z) − y.
                    loss += Logistic.softplus(z) - y * z;
                    if (l2 > 0) {
                        loss += 0.5 * l2 * (RowMajor.dot(pv, u * d, pv, u * d, d) + RowMajor.dot(qv, i * d, qv, i * d, d));
                    }
                    float g = (Logistic.sigmoid(z) - y) * inv;
                    p.addRowGrad(u, qv, i * d, g);
                    q.addRowGrad(i, pv, u * d, g);
                    addBias(i, +g);
                    addUserBias(u, g);
                    b.grad()[0] += g;
                    if (l2 > 0) {
                        p.addRowGrad(u, pv, u * d, l2 * inv);
                        q.addRowGrad(i, qv, i * d, l2 * inv);
                    }
                }
            }
            return loss * inv;
        }
    }

    @Override public String kind() { return KIND; }
    public MfConfig config() { return config; }
    @Override public int numUsers() { return numUsers; }
    @Override public int numItems() { return numItems; }

    @Override
    public ScoreKind scoreKind() {
        return config.loss() == MfConfig.Loss.BCE ? ScoreKind.PROBABILITY : ScoreKind.RANKING;
    }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        int d = config.dim();
        float[] out = new float[users.length];
        boolean prob = config.loss() == MfConfig.Loss.BCE;
        for (int k = 0; k < users.length; k++) {
            float z = RowMajor.dot(userFactors, users[k] * d, itemFactors, items[k] * d, d) + userBias[users[k]]
                    + itemBias[items[k]] + globalBias;
            out[k] = prob ? Logistic.sigmoid(z) : z;
        }
        return out;
    }

    @Override public float[][] userEmbeddings() { return RowMajor.rows(userFactors, 0, numUsers, config.dim()); }
    @Override public float[][] itemEmbeddings() { return RowMajor.rows(itemFactors, 0, numItems, config.dim()); }

    /** {@code user_embedding}, {@code item_embedding} (B × d) and {@code score} (B × 1). */
    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        float[] s = score(users, items);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("user_embedding", RowMajor.gather(manager, userFactors, config.dim(), users));
        out.put("item_embedding", RowMajor.gather(manager, itemFactors, config.dim(), items));
        out.put("score", RowMajor.column(manager, s));
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        t.put("user_factors", new ModelFile.Tensor(numUsers, config.dim(), userFactors));
        t.put("item_factors", new ModelFile.Tensor(numItems, config.dim(), itemFactors));
        t.put("user_bias", new ModelFile.Tensor(numUsers, 1, userBias));
        t.put("item_bias", new ModelFile.Tensor(numItems, 1, itemBias));
        t.put("bias", new ModelFile.Tensor(1, 1, new float[] {globalBias}));
        ModelFile.write(file, KIND, trainedOn, config, t);
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static MatrixFactorization load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        MfConfig cfg = c.config(file, MfConfig.class);
        ModelFile.Tensor p = c.tensor(file, "user_factors", -1, cfg.dim());
        ModelFile.Tensor q = c.tensor(file, "item_factors", -1, cfg.dim());
        ModelFile.Tensor bu = c.tensor(file, "user_bias", p.rows(), 1);
        ModelFile.Tensor bi = c.tensor(file, "item_bias", q.rows(), 1);
        ModelFile.Tensor b = c.tensor(file, "bias", 1, 1);
        return new MatrixFactorization(cfg, p.rows(), q.rows(), p.values(), q.values(), bu.values(), bi.values(),
                b.values()[0]);
    }
}
