package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Parameters;
import org.tandemrec.crm.RaggedRows;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * DCNv2 (Wang et al. 2021, "DCN V2: Improved Deep &amp; Cross Network"), a CTR model.
 *
 * <p>Fields (each an embedding of size d): user id, item id, the item's categories (mean of
 * their embeddings), one per user-profile field, and the user's history (mean of the item
 * embeddings of the last H items before the example; the item table is shared). Their
 * concatenation is x_0 (B × D, D = fields · d). Cross layer l (Eq. 1):
 * x_{l+1} = x_0 ⊙ (x_l W_l + b_l) + x_l with W_l D × D; or the low-rank mixture (Eq. 3):
 * x_{l+1} = Σ_k g_k(x_l) · x_0 ⊙ (U_k tanh(C_k tanh(V_k x_l)) + b_l) + x_l with softmax gates.
 * The deep network is a ReLU MLP; stacked: on x_L, parallel: on x_0 with [x_L, deep] fed to the
 * output. p = σ(logit), trained with binary cross-entropy. The network's parameters and forward
 * pass are {@link DcnV2Network}; this class trains it and is the trained model.
 *
 * <p>Named intermediates (CoReLLa aligns LLM layers with them): {@code cross_0} … {@code cross_{L-1}}
 * (output of each cross layer, B × D), {@code deep_out} (B × last hidden size) and {@code logit}
 * (B × 1). For {@link #score}, a user's history is the last H items of the training data the
 * model was fitted on; {@link #scoreExamples} takes explicit histories.
 */
public final class DcnV2 implements Recommender {
    public static final String KIND = "dcnv2";
    private static final int SCORE_CHUNK = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(DcnV2.class);

    /** What the model file's config holds: the settings plus the feature layout. */
    public record Layout(DcnV2Config config, int numUsers, int numItems, int numCategories, List<String> profileFields,
                         int[] fieldSizes, PlattScaling calibration) {
    }

    private final DcnV2Config config;
    private final CtrFeatures features;
    private final int[][] userHistories;
    private final ParameterSet params;
    private final PlattScaling calibration;

    private DcnV2(DcnV2Config config, CtrFeatures features, int[][] userHistories, ParameterSet params,
                  PlattScaling calibration) {
        this.config = config;
        this.features = features;
        this.userHistories = userHistories;
        this.params = params;
        this.calibration = calibration;
    }

    /**
     * Trains DCNv2 on {@code train}. {@code userHistories} (U rows, oldest first) is what
     * {@link #score} uses as each user's history, usually
     * {@link CtrFeatures#latestHistories} of the training table.
     */
    public static DcnV2 fit(CtrFeatures features, CtrExamples train, int[][] userHistories, DcnV2Config config,
                            TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        if (userHistories.length != features.numUsers()) {
            throw new IllegalArgumentException("userHistories has " + userHistories.length + " rows for "
                    + features.numUsers() + " users");
        }
        ParameterSet params = DcnV2Network.initialise(features, config, new SplittableRandom(trainConfig.seed()));
        int[][] hist = trimmed(userHistories, config.historyLength());
        Task task = new Task(config, features, train, params);
        TrainHooks h = validate == null ? hooks
                : hooks.withValidation(epoch -> validate.applyAsDouble(new DcnV2(config, features, hist, params, PlattScaling.identity())));
        new Trainer(trainConfig).fit(task, h);
        return new DcnV2(config, features, hist, Parameters.copy(params), PlattScaling.identity());
    }

    /**
     * An untrained DCNv2 (weights drawn as {@link #fit} draws them from {@code seed}): the start
     * of a joint training that skips the CRM's own pre-training (CoReLLa without stage 1).
     */
    public static DcnV2 initial(CtrFeatures features, int[][] userHistories, DcnV2Config config, long seed) {
        if (userHistories.length != features.numUsers()) {
            throw new IllegalArgumentException("userHistories has " + userHistories.length + " rows for "
                    + features.numUsers() + " users");
        }
        return new DcnV2(config, features, trimmed(userHistories, config.historyLength()),
                DcnV2Network.initialise(features, config, new SplittableRandom(seed)), PlattScaling.identity());
    }

    private static int[][] trimmed(int[][] histories, int h) {
        int[][] out = new int[histories.length][];
        for (int u = 0; u < out.length; u++) {
            int[] s = histories[u];
            out[u] = Arrays.copyOfRange(s, Math.max(0, s.length - h), s.length);
        }
        return out;
    }

    private static final class Task implements TrainingTask {
        private final DcnV2Config config;
        private final CtrFeatures features;
        private final CtrExamples data;
        private final ParameterSet params;

        Task(DcnV2Config config, CtrFeatures features, CtrExamples data, ParameterSet params) {
            this.config = config;
            this.features = features;
            this.data = data;
            this.params = params;
            DcnV2Network.checkIds(features, data.users(), data.items(), data.histories());
        }

        @Override public String modelName() { return KIND; }
        @Override public String configFingerprint() { return config + " " + features + " n=" + data.size(); }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return data.size(); }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            int b = batch.length;
            int[] us = new int[b];
            int[] is = new int[b];
            int[][] hs = new int[b][];
            float[] ys = new float[b];
            for (int k = 0; k < b; k++) {
                int e = batch[k];
                us[k] = data.users()[e];
                is[k] = data.items()[e];
                hs[k] = data.histories()[e];
                ys[k] = data.labels()[e];
            }
            try (AutogradStep s = AutogradStep.training()) {
                NDArray logit = DcnV2Network.forward(s, params, config, features, us, is, hs).get("logit").reshape(b);
                return s.backward(TensorFunctions.bceWithLogits(logit, s.constant(ys, new Shape(ys.length))));
            }
        }
    }


    /** A copy with its own parameters and no calibration, e.g. to continue training it jointly (CoReLLa stage 2) without touching this model. */
    public DcnV2 copy() {
        return new DcnV2(config, features, userHistories, Parameters.copy(params), PlattScaling.identity());
    }

    /**
     * The live parameters. Only for a trainer that owns this instance (train a {@link #copy()}):
     * the model is otherwise treated as immutable.
     */
    public ParameterSet parameters() {
        return params;
    }

    /**
     * The forward pass inside {@code step}: {@code cross_l}, {@code deep_out} and {@code logit}
     * (B × 1) as step arrays; in a training step they carry gradients back to {@link #parameters()},
     * so a caller can add its own loss terms (e.g. layer alignment) before {@link AutogradStep#backward}.
     */
    public Map<String, NDArray> forward(AutogradStep step, int[] users, int[] items, int[][] histories) {
        if (users.length != items.length || users.length != histories.length) {
            throw new IllegalArgumentException("users, items and histories differ in length: " + users.length + ", "
                    + items.length + ", " + histories.length);
        }
        DcnV2Network.checkIds(features, users, items, histories);
        return DcnV2Network.forward(step, params, config, features, users, items, histories);
    }

    @Override public String kind() { return KIND; }
    public DcnV2Config config() { return config; }
    public PlattScaling calibration() { return calibration; }

    /**
     * This model with {@code calibration} applied to its probabilities (same parameters, shared).
     * The {@code logit} intermediate stays the network's own.
     */
    public DcnV2 withCalibration(PlattScaling calibration) {
        return new DcnV2(config, features, userHistories, params, java.util.Objects.requireNonNull(calibration));
    }

    /**
     * This model with a {@link PlattScaling} fitted on the labelled rows {@code valid} (values
     * 0/1); without both labels among them, the model as it is. DCNv2 picked by validation AUC
     * keeps sharpening its probabilities after its ranking stops improving (on the demo's world:
     * rows it scores 0.05 click 21 % of the time); the scaling restores the probabilities without
     * moving the ranking.
     */
    public DcnV2 calibratedOn(InteractionTable valid) {
        float[] labels = valid.valueColumn();
        boolean pos = false;
        boolean neg = false;
        for (float y : labels) {
            pos |= y == 1;
            neg |= y == 0;
        }
        if (!pos || !neg) {
            LOG.info("calibration skipped: the validation CTR rows do not hold both labels");
            return this;
        }
        float[] z = logits(valid.userColumn(), valid.itemColumn());
        PlattScaling c = PlattScaling.fit(z, labels);
        LOG.info("calibration on {} validation rows: p = sigmoid({} * logit + {}), validation logloss {} -> {}",
                labels.length, fourDigits(c.scale()), fourDigits(c.shift()),
                fourDigits(PlattScaling.loss(z, labels, 1, 0) / labels.length),
                fourDigits(PlattScaling.loss(z, labels, c.scale(), c.shift()) / labels.length));
        return withCalibration(c);
    }

    private static String fourDigits(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    /** The network's uncalibrated logits with explicit histories (oldest first; the last H are used). */
    public float[] logits(int[] users, int[] items, int[][] histories) {
        return logitsOf(users, items, histories);
    }

    /** The network's uncalibrated logits of (user, item) pairs with each user's stored history. */
    public float[] logits(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        return logitsOf(users, items, storedHistories(users));
    }
    public CtrFeatures features() { return features; }
    @Override public int numUsers() { return features.numUsers(); }
    @Override public int numItems() { return features.numItems(); }
    @Override public ScoreKind scoreKind() { return ScoreKind.PROBABILITY; }

    /** Click probabilities of (user, item) pairs with each user's stored history. */
    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        return scoreExamples(users, items, storedHistories(users));
    }

    private int[][] storedHistories(int[] users) {
        int[][] hs = new int[users.length][];
        for (int k = 0; k < users.length; k++) {
            hs[k] = userHistories[users[k]];
        }
        return hs;
    }

    /** Click probabilities (calibrated, see {@link #calibration()}) with explicit histories (oldest first; the last H are used). */
    public float[] scoreExamples(int[] users, int[] items, int[][] histories) {
        float[] z = logitsOf(users, items, histories);
        float[] out = new float[z.length];
        for (int k = 0; k < z.length; k++) {
            out[k] = calibration.probability(z[k]);
        }
        return out;
    }

    private float[] logitsOf(int[] users, int[] items, int[][] histories) {
        if (users.length != items.length || users.length != histories.length) {
            throw new IllegalArgumentException("users, items and histories differ in length: " + users.length + ", "
                    + items.length + ", " + histories.length);
        }
        DcnV2Network.checkIds(features, users, items, histories);
        float[] out = new float[users.length];
        for (int from = 0; from < users.length; from += SCORE_CHUNK) {
            int to = Math.min(users.length, from + SCORE_CHUNK);
            try (AutogradStep s = AutogradStep.inference()) {
                float[] z = DcnV2Network.forward(s, params, config, features, Arrays.copyOfRange(users, from, to),
                        Arrays.copyOfRange(items, from, to), Arrays.copyOfRange(histories, from, to)).get("logit")
                        .toFloatArray();
                System.arraycopy(z, 0, out, from, z.length);
            }
        }
        return out;
    }

    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        return intermediates(manager, users, items, storedHistories(users));
    }

    /** {@code cross_0..cross_{L-1}} (B × D), {@code deep_out}, {@code logit} (B × 1), with explicit histories. */
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items, int[][] histories) {
        DcnV2Network.checkIds(features, users, items, histories);
        try (AutogradStep s = AutogradStep.inference()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            Map<String, NDArray> outputs = DcnV2Network.forward(s, params, config, features, users, items, histories);
            for (Map.Entry<String, NDArray> e : outputs.entrySet()) {
                NDArray a = e.getValue();
                out.put(e.getKey(), manager.create(a.toFloatArray(), a.getShape()));
            }
            return out;
        }
    }

    /** The item-id embeddings (I × d). */
    @Override
    public float[][] itemEmbeddings() {
        return rows(params.get("emb_item"));
    }

    /** The user-id embeddings (U × d). */
    @Override
    public float[][] userEmbeddings() {
        return rows(params.get("emb_user"));
    }

    private static float[][] rows(Parameter p) {
        return RowMajor.rows(p.value(), 0, p.rows(), p.cols());
    }

    @Override
    public void save(Path file) {
        Map<String, ModelFile.Tensor> t = ModelFile.tensors(params);
        t.put("item_categories", RaggedRows.toTensor(features.itemCategoriesView()));
        t.put("user_profile", RaggedRows.toTensor(features.userFieldIdsView()));
        t.put("user_history", RaggedRows.toTensor(userHistories));
        Layout layout = new Layout(config, features.numUsers(), features.numItems(), features.numCategories(),
                features.profileFields(), features.fieldSizes(), calibration);
        ModelFile.write(file, KIND, layout, t);
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static DcnV2 load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        Layout layout = c.config(file, Layout.class);
        int[][] cats = RaggedRows.fromTensor(c.tensor(file, "item_categories", layout.numItems(), -1));
        int[][] profile = RaggedRows.fromTensor(c.tensor(file, "user_profile", layout.numUsers(), -1));
        int[][] hist = RaggedRows.fromTensor(c.tensor(file, "user_history", layout.numUsers(), -1));
        CtrFeatures f = new CtrFeatures(layout.numUsers(), layout.numItems(), layout.numCategories(), cats,
                layout.profileFields(), layout.fieldSizes(), profile);
        ParameterSet params = c.parameters(file, DcnV2Network.initialise(f, layout.config(), new SplittableRandom(0)));
        PlattScaling cal = layout.calibration() == null ? PlattScaling.identity() : layout.calibration();
        return new DcnV2(layout.config(), f, hist, params, cal);
    }
}
