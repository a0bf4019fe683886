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
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * DCNv2 (Wang et al., WWW 2021) for click-through prediction. Fields, each an e-sized
 * embedding: user id, item id, the item's categories (mean-pooled multi-hot), one per user
 * profile field, and the user's recent positive items (mean of their item embeddings, the last
 * {@code historyLength} strictly before the example's time). x_0 ∈ R^D, D = fields × e.
 * Full-rank cross layers (eq. 1): x_{l+1} = x_0 ⊙ (W_l x_l + b_l) + x_l, W_l ∈ R^{D×D}; a ReLU
 * deep tower stacked on x_L or parallel to the cross network on x_0; ŷ = σ(wᵀ h + b), BCE on
 * the table's 0/1 labels. Forward and backward are explicit per example (plain Java).
 *
 * <p>At scoring time (no timestamp) the history is the user's last positives in the training data.
 * Intermediate outputs: {@code x0} (B × D), {@code cross_0} … {@code cross_{L-1}} (B × D, the
 * output x_{l+1} of each cross layer), {@code deep_k} (B × width_k), {@code logit}, {@code score}.
 */
public final class Dcn implements Recommender {
    public static final String KIND = "dcnv2";

    private final DcnConfig config;
    private final DcnFeatures features;
    private final Map<String, float[]> weights;

    private Dcn(DcnConfig config, DcnFeatures features, Map<String, float[]> weights) {
        this.config = config;
        this.features = features;
        this.weights = weights;
    }

    /**
     * Trains on the labelled rows of {@code train} (value 1 click / positive, 0 not), with item
     * categories from {@code itemInfo} and profile fields from {@code userProfiles} (either may be empty).
     */
    public static Dcn fit(InteractionTable train, List<ItemInfo> itemInfo, List<UserProfile> userProfiles, DcnConfig config,
                          TrainConfig trainConfig, TrainHooks hooks, ToDoubleFunction<Recommender> validate) {
        for (int r = 0; r < train.size(); r++) {
            float v = train.value(r);
            if (v != 0f && v != 1f) {
                throw new IllegalArgumentException("row " + r + ": value " + v + " is not a 0/1 label; apply a LabelRule first");
            }
        }
        DcnFeatures f = DcnFeatures.build(train, itemInfo, userProfiles);
        ParameterSet params = initialParameters(config, f, trainConfig.seed());
        Task task = new Task(config, f, train, params);
        TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch ->
                validate.applyAsDouble(new Dcn(config, f, live(params))));
        new Trainer(trainConfig).fit(task, h);
        Map<String, float[]> copy = new LinkedHashMap<>();
        live(params).forEach((k, v) -> copy.put(k, v.clone()));
        return new Dcn(config, f, copy);
    }

    static TrainingTask trainingTask(InteractionTable train, List<ItemInfo> itemInfo, List<UserProfile> profiles,
                                     DcnConfig config, long seed) {
        DcnFeatures f = DcnFeatures.build(train, itemInfo, profiles);
        return new Task(config, f, train, initialParameters(config, f, seed));
    }

    private static Map<String, float[]> live(ParameterSet params) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : params.list()) {
            m.put(p.name(), p.value());
        }
        return m;
    }

    private static int fields(DcnConfig c, DcnFeatures f) {
        return 3 + f.numProfileFields + (c.historyLength() > 0 ? 1 : 0);
    }

    private static ParameterSet initialParameters(DcnConfig c, DcnFeatures f, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int e = c.embeddingDim();
        int dim = fields(c, f) * e;
        List<Parameter> ps = new ArrayList<>();
        ps.add(Parameter.table("user_emb", f.numUsers, e, MatrixFactorization.gaussian(f.numUsers * e, c.initStd(), r)));
        ps.add(Parameter.table("item_emb", f.numItems, e, MatrixFactorization.gaussian(f.numItems * e, c.initStd(), r)));
        int nc = Math.max(1, f.numCategories);
        ps.add(Parameter.table("category_emb", nc, e, MatrixFactorization.gaussian(nc * e, c.initStd(), r)));
        int np = Math.max(1, f.numProfileTokens);
        ps.add(Parameter.table("profile_emb", np, e, MatrixFactorization.gaussian(np * e, c.initStd(), r)));
        for (int l = 0; l < c.crossLayers(); l++) {
            // Near-identity start: W_l small, so that x_{l+1} ≈ x_l and deep stacks stay stable.
            ps.add(Parameter.dense("cross_w" + l, dim, dim, uniform(dim * dim, 1.0 / Math.sqrt(dim), r)));
            ps.add(Parameter.dense("cross_b" + l, 1, dim, new float[dim]));
        }
        int in = dim; // the deep tower reads x_L (stacked) or x_0 (parallel), both D wide
        for (int k = 0; k < c.deepLayers().size(); k++) {
            int out = c.deepLayers().get(k);
            ps.add(Parameter.dense("deep_w" + k, out, in, uniform(out * in, Math.sqrt(6.0 / (in + out)), r)));
            ps.add(Parameter.dense("deep_b" + k, 1, out, new float[out]));
            in = out;
        }
        int head = headWidth(c, dim);
        ps.add(Parameter.dense("head_w", 1, head, uniform(head, Math.sqrt(6.0 / (head + 1)), r)));
        ps.add(Parameter.dense("head_b", 1, 1, new float[1]));
        return new ParameterSet(ps);
    }

    private static int headWidth(DcnConfig c, int dim) {
        List<Integer> deep = c.deepLayers();
        int deepOut = deep.isEmpty() ? 0 : deep.get(deep.size() - 1);
        if (c.structure() == DcnConfig.Structure.STACKED) {
            return deep.isEmpty() ? dim : deepOut;
        }
        return dim + deepOut;
    }

    private static float[] uniform(int n, double a, SplittableRandom r) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * a);
        }
        return w;
    }

    /** Activations of one example. */
    private static final class Pass {
        final float[][] x;      // x[0] = x0 … x[L]
        final float[][] z;      // z[l] = W_l x_l + b_l
        final float[][] a;      // deep activations, a[0] = input
        final float[] head;
        int historyFrom;
        int historyTo;
        float logit;

        Pass(DcnConfig c, int dim) {
            x = new float[c.crossLayers() + 1][dim];
            z = new float[c.crossLayers()][dim];
            List<Integer> deep = c.deepLayers();
            a = new float[deep.size() + 1][];
            a[0] = new float[dim];
            for (int k = 0; k < deep.size(); k++) {
                a[k + 1] = new float[deep.get(k)];
            }
            head = new float[headWidth(c, dim)];
        }
    }

    private static void forward(DcnConfig c, DcnFeatures f, Map<String, float[]> w, int u, int i, long time, Pass s) {
        int e = c.embeddingDim();
        float[] x0 = s.x[0];
        int dim = x0.length;
        java.util.Arrays.fill(x0, 0f);
        System.arraycopy(w.get("user_emb"), u * e, x0, 0, e);
        float[] items = w.get("item_emb");
        System.arraycopy(items, i * e, x0, e, e);
        int c0 = f.itemCategoryStart[i];
        int c1 = f.itemCategoryStart[i + 1];
        float[] cats = w.get("category_emb");
        for (int k = c0; k < c1; k++) {
            float inv = 1f / (c1 - c0);
            for (int j = 0; j < e; j++) {
                x0[2 * e + j] += inv * cats[f.itemCategories[k] * e + j];
            }
        }
        float[] prof = w.get("profile_emb");
        for (int p = 0; p < f.numProfileFields; p++) {
            System.arraycopy(prof, f.userTokens[u * f.numProfileFields + p] * e, x0, (3 + p) * e, e);
        }
        if (c.historyLength() > 0) {
            int end = f.historyEnd(u, time);
            int from = Math.max(f.historyStart[u], end - c.historyLength());
            s.historyFrom = from;
            s.historyTo = end;
            int off = (3 + f.numProfileFields) * e;
            for (int k = from; k < end; k++) {
                float inv = 1f / (end - from);
                for (int j = 0; j < e; j++) {
                    x0[off + j] += inv * items[f.historyItems[k] * e + j];
                }
            }
        }
        for (int l = 0; l < c.crossLayers(); l++) {
            float[] wl = w.get("cross_w" + l);
            float[] bl = w.get("cross_b" + l);
            float[] xl = s.x[l];
            float[] zl = s.z[l];
            float[] next = s.x[l + 1];
            for (int o = 0; o < dim; o++) {
                float acc = bl[o];
                for (int k = 0, base = o * dim; k < dim; k++) {
                    acc += wl[base + k] * xl[k];
                }
                zl[o] = acc;
                next[o] = x0[o] * acc + xl[o];
            }
        }
        float[] xL = s.x[c.crossLayers()];
        boolean stacked = c.structure() == DcnConfig.Structure.STACKED;
        System.arraycopy(stacked ? xL : x0, 0, s.a[0], 0, dim);
        for (int k = 0; k + 1 < s.a.length; k++) {
            float[] wk = w.get("deep_w" + k);
            float[] bk = w.get("deep_b" + k);
            float[] in = s.a[k];
            float[] out = s.a[k + 1];
            for (int o = 0; o < out.length; o++) {
                float acc = bk[o];
                for (int j = 0, base = o * in.length; j < in.length; j++) {
                    acc += wk[base + j] * in[j];
                }
                out[o] = acc > 0 ? acc : 0;
            }
        }
        float[] deepOut = s.a[s.a.length - 1];
        if (stacked) {
            System.arraycopy(deepOut, 0, s.head, 0, deepOut.length);
        } else {
            System.arraycopy(xL, 0, s.head, 0, dim);
            if (s.a.length > 1) {
                System.arraycopy(deepOut, 0, s.head, dim, deepOut.length);
            }
        }
        float[] hw = w.get("head_w");
        float logit = w.get("head_b")[0];
        for (int k = 0; k < s.head.length; k++) {
            logit += hw[k] * s.head[k];
        }
        s.logit = logit;
    }

    private static final class Task implements TrainingTask {
        private final DcnConfig config;
        private final DcnFeatures f;
        private final int[] users;
        private final int[] items;
        private final float[] labels;
        private final long[] times;
        private final ParameterSet params;
        private final Map<String, float[]> w;
        private final int dim;

        Task(DcnConfig config, DcnFeatures f, InteractionTable train, ParameterSet params) {
            this.config = config;
            this.f = f;
            this.users = train.userColumn();
            this.items = train.itemColumn();
            this.labels = train.valueColumn();
            this.times = train.timestampColumn();
            this.params = params;
            this.w = live(params);
            this.dim = fields(config, f) * config.embeddingDim();
        }

        @Override public String modelName() { return KIND; }
        @Override public String configFingerprint() {
            return config + " users=" + f.numUsers + " items=" + f.numItems + " categories=" + f.numCategories
                    + " profileTokens=" + f.numProfileTokens + " n=" + users.length;
        }
        @Override public ParameterSet parameters() { return params; }
        @Override public int numExamples() { return users.length; }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            Pass s = new Pass(config, dim);
            float[][] da = new float[s.a.length][];
            for (int k = 0; k < s.a.length; k++) {
                da[k] = new float[s.a[k].length];
            }
            float[] dx = new float[dim];
            float[] dx0 = new float[dim];
            float[] dz = new float[dim];
            float inv = 1f / batch.length;
            double loss = 0;
            for (int r : batch) {
                forward(config, f, w, users[r], items[r], times[r], s);
                float y = labels[r];
                loss += PairScores.softplus(s.logit) - y * s.logit + 0.5 * config.l2() * embeddingNorm(s);
                backward((PairScores.sigmoid(s.logit) - y) * inv, users[r], items[r], s, da, dx, dx0, dz, inv);
            }
            return loss * inv;
        }

        private double embeddingNorm(Pass s) {
            if (config.l2() == 0) {
                return 0;
            }
            // The L2 term covers the x0 segments of the id fields (user and item rows).
            int e = config.embeddingDim();
            return PairScores.dot(s.x[0], 0, s.x[0], 0, 2 * e);
        }

        private void backward(float g, int u, int i, Pass s, float[][] da, float[] dx, float[] dx0, float[] dz, float inv) {
            float[] hw = w.get("head_w");
            float[] hwGrad = params.get("head_w").grad();
            for (int k = 0; k < s.head.length; k++) {
                hwGrad[k] += g * s.head[k];
            }
            params.get("head_b").grad()[0] += g;
            boolean stacked = config.structure() == DcnConfig.Structure.STACKED;
            int top = s.a.length - 1;
            java.util.Arrays.fill(dx0, 0f);
            if (stacked) {
                for (int k = 0; k < da[top].length; k++) {
                    da[top][k] = g * hw[k];
                }
            } else {
                for (int k = 0; k < dim; k++) {
                    dx[k] = g * hw[k];
                }
                if (top > 0) {
                    for (int k = 0; k < da[top].length; k++) {
                        da[top][k] = g * hw[dim + k];
                    }
                }
            }
            if (top > 0 || stacked) {
                for (int k = top - 1; k >= 0; k--) {
                    float[] out = s.a[k + 1];
                    float[] in = s.a[k];
                    float[] wk = w.get("deep_w" + k);
                    float[] wGrad = params.get("deep_w" + k).grad();
                    float[] bGrad = params.get("deep_b" + k).grad();
                    java.util.Arrays.fill(da[k], 0f);
                    for (int o = 0; o < out.length; o++) {
                        if (out[o] <= 0) {
                            continue;
                        }
                        float d = da[k + 1][o];
                        bGrad[o] += d;
                        for (int j = 0, base = o * in.length; j < in.length; j++) {
                            wGrad[base + j] += d * in[j];
                            da[k][j] += d * wk[base + j];
                        }
                    }
                }
                if (stacked) {
                    System.arraycopy(da[0], 0, dx, 0, dim);
                } else {
                    for (int k = 0; k < dim; k++) {
                        dx0[k] += da[0][k];
                    }
                }
            }
            float[] x0 = s.x[0];
            for (int l = config.crossLayers() - 1; l >= 0; l--) {
                float[] xl = s.x[l];
                float[] zl = s.z[l];
                float[] wl = w.get("cross_w" + l);
                float[] wGrad = params.get("cross_w" + l).grad();
                float[] bGrad = params.get("cross_b" + l).grad();
                for (int o = 0; o < dim; o++) {
                    dz[o] = dx[o] * x0[o];
                    dx0[o] += dx[o] * zl[o];
                    bGrad[o] += dz[o];
                }
                // dx_l = dx_{l+1} (residual) + W_lᵀ dz
                for (int o = 0; o < dim; o++) {
                    float d = dz[o];
                    if (d == 0f) {
                        continue;
                    }
                    for (int k = 0, base = o * dim; k < dim; k++) {
                        wGrad[base + k] += d * xl[k];
                        dx[k] += d * wl[base + k];
                    }
                }
            }
            for (int k = 0; k < dim; k++) {
                dx0[k] += dx[k];
            }
            scatter(u, i, s, dx0, inv);
        }

        private void scatter(int u, int i, Pass s, float[] dx0, float inv) {
            int e = config.embeddingDim();
            float l2 = (float) config.l2() * inv;
            float[] x0 = s.x[0];
            Parameter users = params.get("user_emb");
            Parameter itemsP = params.get("item_emb");
            int o = users.gradSlot(u);
            float[] gu = users.slotGrad();
            for (int j = 0; j < e; j++) {
                gu[o + j] += dx0[j] + l2 * x0[j];
            }
            o = itemsP.gradSlot(i);
            float[] gi = itemsP.slotGrad();
            for (int j = 0; j < e; j++) {
                gi[o + j] += dx0[e + j] + l2 * x0[e + j];
            }
            int c0 = f.itemCategoryStart[i];
            int c1 = f.itemCategoryStart[i + 1];
            Parameter cats = params.get("category_emb");
            for (int k = c0; k < c1; k++) {
                cats.addRowGrad(f.itemCategories[k], dx0, 2 * e, 1f / (c1 - c0));
            }
            Parameter prof = params.get("profile_emb");
            for (int p = 0; p < f.numProfileFields; p++) {
                prof.addRowGrad(f.userTokens[u * f.numProfileFields + p], dx0, (3 + p) * e, 1f);
            }
            if (config.historyLength() > 0) {
                int off = (3 + f.numProfileFields) * e;
                for (int k = s.historyFrom; k < s.historyTo; k++) {
                    itemsP.addRowGrad(f.historyItems[k], dx0, off, 1f / (s.historyTo - s.historyFrom));
                }
            }
        }
    }

    @Override public String kind() { return KIND; }
    public DcnConfig config() { return config; }
    @Override public int numUsers() { return features.numUsers; }
    @Override public int numItems() { return features.numItems; }
    @Override public ScoreKind scoreKind() { return ScoreKind.PROBABILITY; }

    private int dim() {
        return fields(config, features) * config.embeddingDim();
    }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        Pass s = new Pass(config, dim());
        float[] out = new float[users.length];
        for (int b = 0; b < users.length; b++) {
            forward(config, features, weights, users[b], items[b], Long.MAX_VALUE, s);
            out[b] = PairScores.sigmoid(s.logit);
        }
        return out;
    }

    /** User id embeddings, U × e. */
    @Override
    public float[][] userEmbeddings() {
        return PairScores.rows(weights.get("user_emb"), 0, features.numUsers, config.embeddingDim());
    }

    /** Item id embeddings, I × e. */
    @Override
    public float[][] itemEmbeddings() {
        return PairScores.rows(weights.get("item_emb"), 0, features.numItems, config.embeddingDim());
    }

    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        int dim = dim();
        int batch = users.length;
        Pass s = new Pass(config, dim);
        float[][] cross = new float[config.crossLayers() + 1][batch * dim];
        float[][] deep = new float[s.a.length - 1][];
        for (int k = 0; k < deep.length; k++) {
            deep[k] = new float[batch * s.a[k + 1].length];
        }
        float[] logit = new float[batch];
        float[] score = new float[batch];
        for (int b = 0; b < batch; b++) {
            forward(config, features, weights, users[b], items[b], Long.MAX_VALUE, s);
            for (int l = 0; l <= config.crossLayers(); l++) {
                System.arraycopy(s.x[l], 0, cross[l], b * dim, dim);
            }
            for (int k = 0; k < deep.length; k++) {
                System.arraycopy(s.a[k + 1], 0, deep[k], b * s.a[k + 1].length, s.a[k + 1].length);
            }
            logit[b] = s.logit;
            score[b] = PairScores.sigmoid(s.logit);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("x0", manager.create(cross[0], new Shape(batch, dim)));
        for (int l = 0; l < config.crossLayers(); l++) {
            out.put("cross_" + l, manager.create(cross[l + 1], new Shape(batch, dim)));
        }
        for (int k = 0; k < deep.length; k++) {
            out.put("deep_" + k, manager.create(deep[k], new Shape(batch, s.a[k + 1].length)));
        }
        out.put("logit", PairScores.column(manager, logit));
        out.put("score", PairScores.column(manager, score));
        return out;
    }

    @Override
    public void save(Path file) {
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        for (Parameter p : initialParameters(config, features, 0).list()) {
            t.put(p.name(), new ModelFile.Tensor(p.rows(), p.cols(), weights.get(p.name())));
        }
        DcnFeatures f = features;
        t.put("feature_sizes", new ModelFile.Tensor(1, 5, new float[] {f.numUsers, f.numItems, f.numCategories,
                f.numProfileFields, f.numProfileTokens}));
        t.put("item_category_start", ints(f.itemCategoryStart));
        t.put("item_categories", ints(f.itemCategories));
        t.put("user_tokens", ints(f.userTokens));
        t.put("history_start", ints(f.historyStart));
        t.put("history_items", ints(f.historyItems));
        ModelFile.write(file, KIND, config, t);
    }

    // Ids are stored as floats: exact below 2^24, far above the id spaces of these tables.
    private static ModelFile.Tensor ints(int[] a) {
        float[] v = new float[a.length];
        for (int k = 0; k < a.length; k++) {
            v[k] = a[k];
        }
        return new ModelFile.Tensor(1, a.length, v);
    }

    private static int[] ints(ModelFile.Tensor t) {
        int[] a = new int[t.values().length];
        for (int k = 0; k < a.length; k++) {
            a[k] = (int) t.values()[k];
        }
        return a;
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static Dcn load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        DcnConfig cfg = c.config(file, DcnConfig.class);
        float[] sizes = c.tensor(file, "feature_sizes", 1, 5).values();
        int[] histStart = ints(c.tensor(file, "history_start", 1, -1));
        int[] histItems = ints(c.tensor(file, "history_items", 1, -1));
        long[] histTimes = new long[histItems.length]; // scoring uses the whole history: times unused
        DcnFeatures f = new DcnFeatures((int) sizes[0], (int) sizes[1], (int) sizes[2], (int) sizes[3], (int) sizes[4],
                ints(c.tensor(file, "item_category_start", 1, -1)), ints(c.tensor(file, "item_categories", 1, -1)),
                ints(c.tensor(file, "user_tokens", 1, -1)), histStart, histItems, histTimes);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Parameter p : initialParameters(cfg, f, 0).list()) {
            w.put(p.name(), c.tensor(file, p.name(), p.rows(), p.cols()).values());
        }
        return new Dcn(cfg, f, w);
    }
}
