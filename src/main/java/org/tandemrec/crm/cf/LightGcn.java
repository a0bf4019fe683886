package org.tandemrec.crm.cf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.tandemrec.base.RowParallel;
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
 * LightGCN (He et al., SIGIR 2020): e^{(k+1)} = Â e^{(k)} over the normalised user–item graph
 * (eq. 7), final e = (1/(L+1)) Σ_{k=0..L} e^{(k)} (eq. 8), score ŷ_ui = e_u · e_i (eq. 9),
 * trained with BPR (eq. 15) against uniformly sampled unseen items.
 *
 * <p>Training computes the propagation explicitly, forward and backward, with the CSR kernel
 * of {@link NormalizedAdjacency} (the backward of a symmetric linear map is itself), and feeds
 * the layer-0 gradient to the optimiser (lazy Adam recommended). Each optimiser step costs two
 * full propagations (2·L sparse products), whatever the batch size, so the number of steps per
 * epoch sets the epoch time: with batch B an epoch over n interactions takes ⌈n/B⌉ steps. Large
 * batches (8k–32k) keep an epoch over 1M interactions to a few dozen propagations (batch 16384:
 * 62 steps, 124 propagations, an epoch of ~47 s; one 3-layer propagation of 64-dim embeddings
 * over 1M interactions, 2M non-zeros, takes ~0.4–0.6 s on 2 cores); the price is fewer updates
 * per epoch (raise the learning rate, e.g. 1e-2, to compensate). Propagating
 * once per several batches from stale embeddings saves only the forward half: the backward
 * still needs a propagation per update (its first product reads only the batch's rows, whose
 * output gradient is non-zero). {@link LightGcnConfig#refreshEvery()} k > 1 re-propagates the
 * forward only every k steps (≈ 1 + 1/k propagations per step instead of 2) at the price of
 * stale scores. Resuming with k > 1 refreshes at the resume step, so it continues equivalently
 * but not bit-identically; with k = 1 a resume is exact.
 *
 * <p>Shapes: U users, I items, N = U + I nodes, d embedding size.
 */
public final class LightGcn implements Recommender {
    public static final String KIND = "lightgcn";
    /** The smallest batch {@link #defaultBatchSize} gives. */
    public static final int MIN_DEFAULT_BATCH = 4096;
    /** The size-aware default aims at this many optimiser steps per epoch (or fewer). */
    static final int DEFAULT_STEPS_PER_EPOCH = 64;

    private final LightGcnConfig config;
    private final int numUsers;
    private final int numItems;
    private final float[] ego;
    private final float[] propagated;

    private LightGcn(LightGcnConfig config, int numUsers, int numItems, float[] ego, float[] propagated) {
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.ego = ego;
        this.propagated = propagated;
    }

    /**
     * The default batch size for {@code interactions} training rows: n/64 rounded up to a power
     * of two, at least 4096. As each step costs two full propagations whatever the batch, this
     * bounds an epoch to about 64 steps (128 propagations) on large graphs, while small data
     * sets (ml-100k: 98k rows) keep 4096 and their ~25 updates per epoch. 1M interactions → 16384
     * (62 steps).
     */
    public static int defaultBatchSize(int interactions) {
        if (interactions < 0) {
            throw new IllegalArgumentException("interactions must be >= 0, got " + interactions);
        }
        int wanted = (int) Math.min(1 << 30, ((long) interactions + DEFAULT_STEPS_PER_EPOCH - 1) / DEFAULT_STEPS_PER_EPOCH);
        int pow = wanted <= 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
        return Math.max(MIN_DEFAULT_BATCH, pow);
    }

    /** Trains LightGCN on the interactions of {@code train}; {@code validate} (may be null) scores each epoch. */
    public static LightGcn fit(InteractionTable train, LightGcnConfig config, TrainConfig trainConfig, TrainHooks hooks,
                               ToDoubleFunction<Recommender> validate) {
        UserItems index = UserItems.of(train);
        NormalizedAdjacency adj = new NormalizedAdjacency(index);
        int d = config.dim();
        Parameter table = initialTable(adj, config, trainConfig.seed());
        float[] e0 = table.value();
        try (RowParallel parallel = new RowParallel(trainConfig.threads())) {
            Task task = new Task(config, index, adj, table, train, parallel);
            TrainHooks h = validate == null ? hooks : hooks.withValidation(epoch -> validate.applyAsDouble(
                    new LightGcn(config, index.numUsers(), index.numItems(), e0,
                            adj.propagate(e0, d, config.layers(), parallel))));
            new Trainer(trainConfig).fit(task, h);
            return new LightGcn(config, index.numUsers(), index.numItems(), e0.clone(),
                    adj.propagate(e0, d, config.layers(), parallel));
        }
    }

    /**
     * The final embeddings (eq. 8) of {@code initial} (N × d, users then items) over the graph of
     * {@code interactions}; N × d, users then items.
     */
    public static float[][] propagate(InteractionTable interactions, float[][] initial, int layers, int threads) {
        NormalizedAdjacency adj = new NormalizedAdjacency(UserItems.of(interactions));
        if (initial.length != adj.numNodes()) {
            throw new IllegalArgumentException("initial has " + initial.length + " rows, graph has "
                    + adj.numNodes() + " nodes (users + items)");
        }
        int d = initial[0].length;
        float[] flat = new float[initial.length * d];
        for (int r = 0; r < initial.length; r++) {
            System.arraycopy(initial[r], 0, flat, r * d, d);
        }
        try (RowParallel parallel = new RowParallel(threads)) {
            return RowMajor.rows(adj.propagate(flat, d, layers, parallel), 0, initial.length, d);
        }
    }

    /** The training task over fresh parameters (package-private for gradient checks). */
    static TrainingTask trainingTask(InteractionTable train, LightGcnConfig config, long seed, RowParallel parallel) {
        UserItems index = UserItems.of(train);
        NormalizedAdjacency adj = new NormalizedAdjacency(index);
        return new Task(config, index, adj, initialTable(adj, config, seed), train, parallel);
    }

    /** The layer-0 embeddings e^{(0)} (N × d, users then items) from N(0, initStd²). */
    private static Parameter initialTable(NormalizedAdjacency adj, LightGcnConfig config, long seed) {
        int n = adj.numNodes();
        return Parameter.table("embedding", n, config.dim(),
                WeightInit.normal(n * config.dim(), config.initStd(), new SplittableRandom(seed)));
    }

    /** BPR over (user, positive item) examples with one uniform negative each. */
    private static final class Task implements TrainingTask {
        private final LightGcnConfig config;
        private final UserItems index;
        private final NormalizedAdjacency adj;
        private final Parameter table;
        private final ParameterSet params;
        private final int[] users;
        private final int[] items;
        private final RowParallel parallel;
        private final float[] forward;
        private final float[] grad;
        private final float[] backward;
        private final float[] scratchA;
        private final float[] scratchB;
        private final boolean[] batchRows;
        private long forwardStep = -1;

        Task(LightGcnConfig config, UserItems index, NormalizedAdjacency adj, Parameter table,
             InteractionTable train, RowParallel parallel) {
            this.config = config;
            this.index = index;
            this.adj = adj;
            this.table = table;
            this.params = ParameterSet.of(table);
            this.users = train.userColumn();
            this.items = train.itemColumn();
            this.parallel = parallel;
            int size = adj.numNodes() * config.dim();
            this.forward = new float[size];
            this.grad = new float[size];
            this.backward = new float[size];
            this.scratchA = new float[size];
            this.scratchB = new float[size];
            this.batchRows = new boolean[adj.numNodes()];
        }

        @Override
        public String modelName() {
            return KIND;
        }

        @Override
        public String configFingerprint() {
            return config + " users=" + index.numUsers() + " items=" + index.numItems() + " edges=" + index.numPairs();
        }

        @Override
        public ParameterSet parameters() {
            return params;
        }

        @Override
        public int numExamples() {
            return users.length;
        }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            int d = config.dim();
            int nu = index.numUsers();
            float[] e0 = table.value();
            int[] negatives = new int[batch.length];
            for (int b = 0; b < batch.length; b++) {
                int k = batch[b];
                negatives[b] = index.sampleNegative(users[k], random);
                batchRows[users[k]] = true;
                batchRows[nu + items[k]] = true;
                batchRows[nu + negatives[b]] = true;
            }
            if (config.refreshEvery() == 1) {
                // Scores read the batch's rows only: the last layer computes just those.
                adj.propagate(e0, null, batchRows, forward, scratchA, scratchB, d, config.layers(), parallel);
            } else if (forwardStep < 0 || step < forwardStep || step - forwardStep >= config.refreshEvery()) {
                adj.propagate(e0, forward, scratchA, scratchB, d, config.layers(), parallel);
                forwardStep = step;
            }
            float[] e = forward;
            java.util.Arrays.fill(grad, 0f);
            float inv = 1f / batch.length;
            double loss = 0;
            double reg = 0;
            float l2 = (float) config.l2();
            float[] diff = new float[d];
            for (int b = 0; b < batch.length; b++) {
                int k = batch[b];
                int u = users[k];
                int i = items[k];
                int j = negatives[b];
                int ou = u * d;
                int oi = (nu + i) * d;
                int oj = (nu + j) * d;
                float x = 0;
                for (int c = 0; c < d; c++) {
                    diff[c] = e[oi + c] - e[oj + c];
                    x += e[ou + c] * diff[c];
                }
                loss += Logistic.softplus(-x);
                float g = -Logistic.sigmoid(-x) * inv;
                for (int c = 0; c < d; c++) {
                    grad[ou + c] += g * diff[c];
                    grad[oi + c] += g * e[ou + c];
                    grad[oj + c] -= g * e[ou + c];
                }
                if (l2 > 0) {
                    reg += squaredNorm(e0, ou, d) + squaredNorm(e0, oi, d) + squaredNorm(e0, oj, d);
                    regGrad(u, ou, l2 * inv, e0);
                    regGrad(nu + i, oi, l2 * inv, e0);
                    regGrad(nu + j, oj, l2 * inv, e0);
                }
            }
            float[] g0 = backward;
            // The output gradient is non-zero only on the batch's rows: the first product skips the rest.
            adj.propagate(grad, batchRows, g0, scratchA, scratchB, d, config.layers(), parallel);
            java.util.Arrays.fill(batchRows, false);
            for (int r = 0, n = adj.numNodes(); r < n; r++) {
                int o = r * d;
                boolean any = false;
                for (int c = 0; c < d && !any; c++) {
                    any = g0[o + c] != 0f;
                }
                if (any) {
                    table.addRowGrad(r, g0, o, 1f);
                }
            }
            return loss * inv + 0.5 * config.l2() * reg * inv;
        }

        private void regGrad(int row, int off, float scale, float[] e0) {
            table.addRowGrad(row, e0, off, scale);
        }

        private static double squaredNorm(float[] a, int off, int d) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += a[off + c] * a[off + c];
            }
            return s;
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    public LightGcnConfig config() {
        return config;
    }

    @Override
    public int numUsers() {
        return numUsers;
    }

    @Override
    public int numItems() {
        return numItems;
    }

    @Override
    public ScoreKind scoreKind() {
        return ScoreKind.RANKING;
    }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        int d = config.dim();
        float[] out = new float[users.length];
        for (int b = 0; b < users.length; b++) {
            out[b] = RowMajor.dot(propagated, users[b] * d, propagated, (numUsers + items[b]) * d, d);
        }
        return out;
    }

    /** Final (propagated, eq. 8) user embeddings, U × d. */
    @Override
    public float[][] userEmbeddings() {
        return RowMajor.rows(propagated, 0, numUsers, config.dim());
    }

    /** Final (propagated, eq. 8) item embeddings, I × d. */
    @Override
    public float[][] itemEmbeddings() {
        return RowMajor.rows(propagated, numUsers, numItems, config.dim());
    }

    /** Layer-0 (trained) embeddings, N × d, users then items. */
    public float[][] egoEmbeddings() {
        return RowMajor.rows(ego, 0, numUsers + numItems, config.dim());
    }

    /** {@code user_embedding}, {@code item_embedding} (B × d, propagated) and {@code score} (B × 1). */
    @Override
    public Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        float[] s = score(users, items);
        int[] itemRows = new int[items.length];
        for (int b = 0; b < items.length; b++) {
            itemRows[b] = numUsers + items[b];
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("user_embedding", RowMajor.gather(manager, propagated, config.dim(), users));
        out.put("item_embedding", RowMajor.gather(manager, propagated, config.dim(), itemRows));
        out.put("score", RowMajor.column(manager, s));
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        int n = numUsers + numItems;
        Map<String, ModelFile.Tensor> t = new LinkedHashMap<>();
        t.put("ego", new ModelFile.Tensor(n, config.dim(), ego));
        t.put("propagated", new ModelFile.Tensor(n, config.dim(), propagated));
        t.put(ModelFile.COUNTS, ModelFile.counts(numUsers, numItems));
        ModelFile.write(file, KIND, trainedOn, config, t);
    }

    /** Reads a model written by {@link #save}; refuses files of other kinds. */
    public static LightGcn load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        LightGcnConfig cfg = c.config(file, LightGcnConfig.class);
        int[] counts = c.counts(file);
        int nu = counts[0];
        int ni = counts[1];
        float[] ego = c.tensor(file, "ego", nu + ni, cfg.dim()).values();
        float[] prop = c.tensor(file, "propagated", nu + ni, cfg.dim()).values();
        return new LightGcn(cfg, nu, ni, ego, prop);
    }
}
