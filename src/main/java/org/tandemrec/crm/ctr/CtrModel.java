package org.tandemrec.crm.ctr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
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
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * What the trained CTR models ({@link DcnV2}, {@link AutoInt}, {@link XDeepFm}, {@link FiBiNet})
 * share beyond their networks: training with binary cross-entropy under the shared
 * {@link Trainer}, scoring in chunks, post-hoc {@link PlattScaling}, the named intermediates, and
 * the model file (kind, {@link Layout} as config, the parameters, each item's categories, each
 * user's profile ids and stored history). A subclass supplies its network's forward pass, which
 * must name its B × 1 output {@code logit}.
 *
 * <p>For {@link #score}, a user's history is the last H items of the training data the model was
 * fitted on; {@link #scoreExamples} takes explicit histories. Shapes: B batch, U users, I items,
 * d embedding size.
 *
 * @param <C> the model's settings
 * @param <M> the model class itself (what {@link #copy} and {@link #withCalibration} return)
 */
public abstract class CtrModel<C extends CtrConfig, M extends CtrModel<C, M>> implements Recommender {
    private static final int SCORE_CHUNK = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(CtrModel.class);

    /** What the model file's config holds: the settings plus the feature layout. */
    public record Layout<C>(C config, int numUsers, int numItems, int numCategories, List<String> profileFields,
                            int[] fieldSizes, PlattScaling calibration) {
    }

    /** A model's constructor: settings, features, stored histories, parameters, calibration. */
    @FunctionalInterface
    interface Factory<C, M> {
        M create(C config, CtrFeatures features, int[][] userHistories, ParameterSet params, PlattScaling calibration);
    }

    private final C config;
    private final CtrFeatures features;
    private final int[][] userHistories;
    private final ParameterSet params;
    private final PlattScaling calibration;

    CtrModel(C config, CtrFeatures features, int[][] userHistories, ParameterSet params, PlattScaling calibration) {
        this.config = config;
        this.features = features;
        this.userHistories = userHistories;
        this.params = params;
        this.calibration = Objects.requireNonNull(calibration, "calibration");
    }

    /** The network's forward pass over {@link #parameters()}; the outputs include {@code logit} (B × 1). */
    abstract Map<String, NDArray> network(AutogradStep s, int[] users, int[] items, int[][] histories);

    /** This model's class with other parameters or calibration (same config, features, histories). */
    abstract M with(ParameterSet params, PlattScaling calibration);

    /**
     * {@code userHistories} (U rows, oldest first) trimmed to the last {@code config.historyLength()}
     * items: what {@link #score} uses as each user's history.
     */
    static int[][] storedHistories(CtrFeatures features, int[][] userHistories, CtrConfig config) {
        if (userHistories.length != features.numUsers()) {
            throw new IllegalArgumentException("userHistories has " + userHistories.length + " rows for "
                    + features.numUsers() + " users");
        }
        int h = config.historyLength();
        int[][] out = new int[userHistories.length][];
        for (int u = 0; u < out.length; u++) {
            int[] s = userHistories[u];
            out[u] = Arrays.copyOfRange(s, Math.max(0, s.length - h), s.length);
        }
        return out;
    }

    /**
     * Trains {@code untrained}'s parameters in place on {@code train} and returns a copy of them as
     * the trained model; {@code validate} (may be null) scores the model after each epoch for
     * early stopping.
     */
    static <M extends CtrModel<?, M>> M fit(M untrained, CtrExamples train, TrainConfig trainConfig, TrainHooks hooks,
                                           ToDoubleFunction<Recommender> validate) {
        Task task = new Task(untrained, train);
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(untrained));
        new Trainer(trainConfig).fit(task, h);
        return untrained.copy();
    }

    private static final class Task implements TrainingTask {
        private final CtrModel<?, ?> model;
        private final CtrExamples data;

        Task(CtrModel<?, ?> model, CtrExamples data) {
            this.model = model;
            this.data = data;
            FieldEmbeddings.checkIds(model.kind(), model.features, data.users(), data.items(), data.histories());
        }

        @Override public String modelName() { return model.kind(); }
        @Override public String configFingerprint() { return model.config + " " + model.features + " n=" + data.size(); }
        @Override public ParameterSet parameters() { return model.params; }
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
                NDArray logit = model.network(s, us, is, hs).get("logit").reshape(b);
                return s.backward(TensorFunctions.bceWithLogits(logit, s.constant(ys, new Shape(ys.length))));
            }
        }
    }

    /**
     * A copy with its own parameters and no calibration, e.g. to continue training it jointly
     * (CoReLLa stage 2) without touching this model.
     */
    public M copy() {
        return with(Parameters.copy(params), PlattScaling.identity());
    }

    /**
     * The live parameters. Only for a trainer that owns this instance (train a {@link #copy()}):
     * the model is otherwise treated as immutable.
     */
    public ParameterSet parameters() {
        return params;
    }

    /**
     * The forward pass inside {@code step}: the named outputs as step arrays; in a training step
     * they carry gradients back to {@link #parameters()}, so a caller can add its own loss terms
     * (e.g. layer alignment) before {@link AutogradStep#backward}.
     */
    public Map<String, NDArray> forward(AutogradStep step, int[] users, int[] items, int[][] histories) {
        checkExamples(users, items, histories);
        return network(step, users, items, histories);
    }

    public C config() { return config; }
    public PlattScaling calibration() { return calibration; }
    public CtrFeatures features() { return features; }
    int[][] userHistories() { return userHistories; }
    @Override public int numUsers() { return features.numUsers(); }
    @Override public int numItems() { return features.numItems(); }
    @Override public ScoreKind scoreKind() { return ScoreKind.PROBABILITY; }

    /**
     * This model with {@code calibration} applied to its probabilities (same parameters, shared).
     * The {@code logit} intermediate stays the network's own.
     */
    public M withCalibration(PlattScaling calibration) {
        return with(params, Objects.requireNonNull(calibration, "calibration"));
    }

    /**
     * This model with a {@link PlattScaling} fitted on the labelled rows {@code valid} (values
     * 0/1); without both labels among them, the model as it is. A click model picked by
     * validation AUC keeps sharpening its probabilities after its ranking stops improving (DCNv2
     * on the demo's world: rows it scores 0.05 click 21 % of the time); the scaling restores the
     * probabilities without moving the ranking.
     */
    @SuppressWarnings("unchecked")
    public M calibratedOn(InteractionTable valid) {
        float[] labels = valid.valueColumn();
        boolean pos = false;
        boolean neg = false;
        for (float y : labels) {
            pos |= y == 1;
            neg |= y == 0;
        }
        if (!pos || !neg) {
            LOG.info("calibration skipped: the validation CTR rows do not hold both labels");
            return (M) this;
        }
        float[] z = logits(valid.userColumn(), valid.itemColumn());
        PlattScaling c = PlattScaling.fit(z, labels);
        LOG.info("{} calibration on {} validation rows: p = sigmoid({} * logit + {}), validation logloss {} -> {}",
                kind(), labels.length, fourDigits(c.scale()), fourDigits(c.shift()),
                fourDigits(PlattScaling.loss(z, labels, 1, 0) / labels.length),
                fourDigits(PlattScaling.loss(z, labels, c.scale(), c.shift()) / labels.length));
        return withCalibration(c);
    }

    private static String fourDigits(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
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

    /**
     * Click probabilities (calibrated, see {@link #calibration()}) with explicit histories (oldest
     * first; the last H are used).
     */
    public float[] scoreExamples(int[] users, int[] items, int[][] histories) {
        float[] z = logitsOf(users, items, histories);
        float[] out = new float[z.length];
        for (int k = 0; k < z.length; k++) {
            out[k] = calibration.probability(z[k]);
        }
        return out;
    }

    private void checkExamples(int[] users, int[] items, int[][] histories) {
        if (users.length != items.length || users.length != histories.length) {
            throw new IllegalArgumentException("users, items and histories differ in length: " + users.length + ", "
                    + items.length + ", " + histories.length);
        }
        FieldEmbeddings.checkIds(kind(), features, users, items, histories);
    }

    private float[] logitsOf(int[] users, int[] items, int[][] histories) {
        checkExamples(users, items, histories);
        float[] out = new float[users.length];
        for (int from = 0; from < users.length; from += SCORE_CHUNK) {
            int to = Math.min(users.length, from + SCORE_CHUNK);
            try (AutogradStep s = AutogradStep.inference()) {
                float[] z = network(s, Arrays.copyOfRange(users, from, to), Arrays.copyOfRange(items, from, to),
                        Arrays.copyOfRange(histories, from, to)).get("logit").toFloatArray();
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

    /**
     * The network's named outputs (each B rows; {@code logit} B × 1) with explicit histories,
     * created in {@code manager}.
     */
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items, int[][] histories) {
        checkExamples(users, items, histories);
        try (AutogradStep s = AutogradStep.inference()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : network(s, users, items, histories).entrySet()) {
                NDArray a = e.getValue();
                out.put(e.getKey(), manager.create(a.toFloatArray(), a.getShape()));
            }
            return out;
        }
    }

    /** The item-id embeddings (I × d). */
    @Override
    public float[][] itemEmbeddings() {
        return rows(params.get(FieldEmbeddings.EMBEDDING + "item"));
    }

    /** The user-id embeddings (U × d). */
    @Override
    public float[][] userEmbeddings() {
        return rows(params.get(FieldEmbeddings.EMBEDDING + "user"));
    }

    private static float[][] rows(Parameter p) {
        return RowMajor.rows(p.value(), 0, p.rows(), p.cols());
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        Map<String, ModelFile.Tensor> t = ModelFile.tensors(params);
        t.put("item_categories", RaggedRows.toTensor(features.itemCategoriesView()));
        t.put("user_profile", RaggedRows.toTensor(features.userFieldIdsView()));
        t.put("user_history", RaggedRows.toTensor(userHistories));
        Layout<C> layout = new Layout<>(config, features.numUsers(), features.numItems(), features.numCategories(),
                features.profileFields(), features.fieldSizes(), calibration);
        ModelFile.write(file, kind(), trainedOn, layout, t);
    }

    /**
     * Reads a model of {@code kind} written by {@link #save}; refuses files of other kinds.
     * {@code shape} gives the parameters a config implies (the file's values replace theirs).
     */
    static <C extends CtrConfig, M> M load(Path file, String kind, Class<C> configType,
                                           BiFunction<CtrFeatures, C, ParameterSet> shape, Factory<C, M> factory) {
        ModelFile.Contents c = ModelFile.read(file, kind);
        Layout<C> layout = c.config(file, Layout.class, configType);
        int[][] cats = RaggedRows.fromTensor(c.tensor(file, "item_categories", layout.numItems(), -1));
        int[][] profile = RaggedRows.fromTensor(c.tensor(file, "user_profile", layout.numUsers(), -1));
        int[][] hist = RaggedRows.fromTensor(c.tensor(file, "user_history", layout.numUsers(), -1));
        CtrFeatures f = new CtrFeatures(layout.numUsers(), layout.numItems(), layout.numCategories(), cats,
                layout.profileFields(), layout.fieldSizes(), profile);
        ParameterSet params = c.parameters(file, shape.apply(f, layout.config()));
        PlattScaling cal = layout.calibration() == null ? PlattScaling.identity() : layout.calibration();
        return factory.create(layout.config(), f, hist, params, cal);
    }
}
