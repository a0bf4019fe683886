package org.tandemrec.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.base.RowParallel;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.cf.LightGcn;
import org.tandemrec.crm.cf.LightGcnConfig;
import org.tandemrec.crm.cf.MatrixFactorization;
import org.tandemrec.crm.cf.MfConfig;
import org.tandemrec.crm.cf.Ncf;
import org.tandemrec.crm.cf.NcfConfig;
import org.tandemrec.crm.cf.NormalizedAdjacency;
import org.tandemrec.crm.ctr.AutoInt;
import org.tandemrec.crm.ctr.AutoIntConfig;
import org.tandemrec.crm.ctr.CtrExamples;
import org.tandemrec.crm.ctr.CtrFeatures;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Config;
import org.tandemrec.crm.ctr.FiBiNet;
import org.tandemrec.crm.ctr.FiBiNetConfig;
import org.tandemrec.crm.ctr.XDeepFm;
import org.tandemrec.crm.ctr.XDeepFmConfig;
import org.tandemrec.crm.sequential.SasRec;
import org.tandemrec.crm.sequential.SasRecConfig;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.split.UserItems;
import org.tandemrec.train.AdamOptimizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * Throughput figures of the conventional models, one method per figure (seconds, milliseconds,
 * per-second rates or GFLOP/s; DCNv2 and LightGCN's epoch return a small record). Inputs are
 * synthetic and seeded; models train at their {@link CrmSpec#defaults} batch size, except the
 * LightGCN epoch, which takes its batch. Every figure is timed warm, after its setup: a model's
 * throughput is its fastest of {@code timedEpochs} epochs (3 at full size) after a first,
 * untimed one (one {@code fit()}, so data indexing and model building are not counted); LightGCN's epoch, too
 * long to repeat, is its time per step after the first step times its steps (as the PyTorch
 * peer times it); propagation and the lazy Adam step are medians of repetitions after a
 * warm-up, the matmul peak the best.
 *
 * <p>The PyTorch intra-op thread count is process-wide and is left to the caller; LightGCN's
 * Java-side propagation and training use {@code javaThreads}, the lazy Adam step one thread.
 */
public final class CrmBenchmark {
    /** Seconds after its first step at which a LightGCN epoch run is cut and its epoch time extrapolated. */
    public static final double LIGHTGCN_BUDGET_SECONDS = 120;

    private CrmBenchmark() {
    }

    /**
     * Problem sizes. {@link #full()} is what the figures' names say (1M interactions, a 2M × 64
     * table); {@link #quick()} is a fast check with the same code paths.
     */
    public record Sizes(int users, int items, int interactions, int adamRows, int adamBatch, int matmulMin,
                        int matmulMax, int dcnSteps, int ncfInteractions, int sasrecUsers, int propagationReps,
                        int timedEpochs) {
        public Sizes {
            int[] all = {users, items, interactions, adamRows, adamBatch, matmulMin, matmulMax, dcnSteps, ncfInteractions,
                sasrecUsers, propagationReps, timedEpochs};
            String[] names = {"users", "items", "interactions", "adamRows", "adamBatch", "matmulMin", "matmulMax",
                "dcnSteps", "ncfInteractions", "sasrecUsers", "propagationReps", "timedEpochs"};
            for (int k = 0; k < all.length; k++) {
                if (all[k] <= 0) {
                    throw new UsageException(names[k] + " must be > 0, got " + all[k]);
                }
            }
            if (matmulMax < matmulMin) {
                throw new UsageException("matmulMax must be >= matmulMin " + matmulMin + ", got " + matmulMax);
            }
        }

        public static Sizes full() {
            return new Sizes(100_000, 50_000, 1_000_000, 2_000_000, 4096, 1024, 2048, 30, 200_000, 4000, 5, 3);
        }

        public static Sizes quick() {
            return new Sizes(2000, 1000, 20_000, 20_000, 512, 512, 512, 2, 5000, 100, 1, 1);
        }
    }

    /** DCNv2 training throughput and the FLOP rate of its dense layers. */
    public record DcnFigures(double samplesPerSecond, double gflops, int width) {
    }

    /** Peak heap while training, and seconds (the run's wall time, or the figure its method documents). */
    public record HeapFigures(double peakHeapMb, double seconds) {
    }

    /**
     * The machine's float32 matrix-multiply peak: the best GFLOP/s over square DJL products of
     * sizes {@code matmulMin}, ×1.5 …, {@code matmulMax} (each timed several times, result read
     * back), with whatever intra-op threads the engine has (set all cores before calling).
     */
    public static double matmulPeakGflops(Sizes s) {
        double best = 0;
        try (NDManager m = TensorDevice.newManager()) {
            for (int n = s.matmulMin(); ; n = Math.min(s.matmulMax(), n + n / 2)) {
                NDArray a = m.randomNormal(new Shape(n, n));
                NDArray b = m.randomNormal(new Shape(n, n));
                a.matMul(b).close();
                for (int rep = 0; rep < 5; rep++) {
                    long t0 = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.getFloat(0, 0); // forces completion
                    double sec = (System.nanoTime() - t0) / 1e9;
                    c.close();
                    best = Math.max(best, 2.0 * n * n * n / sec / 1e9);
                }
                a.close();
                b.close();
                if (n >= s.matmulMax()) {
                    break;
                }
            }
        }
        return best;
    }

    /** {@code n} random (user, item) interactions, timestamps in insertion order. */
    public static InteractionTable randomInteractions(int users, int items, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder(n);
        for (int k = 0; k < n; k++) {
            b.add(r.nextInt(users), r.nextInt(items), 1f, k);
        }
        return b.build(users, items);
    }

    /**
     * DCNv2 with {@link DcnV2Config#defaults} (d 16 per field, 3 full-rank cross layers, MLP
     * 256-128) on 7 fields (user, item, categories, 3 profile fields, 20-item history) at batch
     * 2048: samples/s of the fastest of {@code timedEpochs} epochs of {@code dcnSteps} steps after
     * a first, untimed one (the PyTorch threads are the caller's). The FLOP count covers
     * the dense layers only: forward multiply-adds per sample are L·D² (cross) + D·256 + 256·128
     * + 128, backward twice that.
     */
    public static DcnFigures dcnV2(Sizes s) {
        DcnV2Config cfg = DcnV2Config.defaults();
        ClickData data = clickData(s, cfg.historyLength());
        double rate = clickSamplesPerSecond(data, (ex, tc, h) -> DcnV2.fit(data.features(), ex,
                new int[data.features().numUsers()][0], cfg, tc, h, null));
        int dim = data.features().numFields() * cfg.embeddingDim();
        double forward = 2.0 * (cfg.crossLayers() * (double) dim * dim + dim * 256.0 + 256.0 * 128 + 128);
        return new DcnFigures(rate, 3 * forward * rate / 1e9, dim);
    }

    /**
     * Training samples/s of a click model at its defaults ({@code autoint}, {@code xdeepfm} or
     * {@code fibinet}) on the data and steps of {@link #dcnV2}.
     */
    public static double clickModelSamplesPerSecond(String model, Sizes s) {
        switch (model) {
            case AutoInt.KIND -> {
                AutoIntConfig cfg = AutoIntConfig.defaults();
                ClickData data = clickData(s, cfg.historyLength());
                return clickSamplesPerSecond(data, (ex, tc, h) -> AutoInt.fit(data.features(), ex,
                        new int[data.features().numUsers()][0], cfg, tc, h, null));
            }
            case XDeepFm.KIND -> {
                XDeepFmConfig cfg = XDeepFmConfig.defaults();
                ClickData data = clickData(s, cfg.historyLength());
                return clickSamplesPerSecond(data, (ex, tc, h) -> XDeepFm.fit(data.features(), ex,
                        new int[data.features().numUsers()][0], cfg, tc, h, null));
            }
            case FiBiNet.KIND -> {
                FiBiNetConfig cfg = FiBiNetConfig.defaults();
                ClickData data = clickData(s, cfg.historyLength());
                return clickSamplesPerSecond(data, (ex, tc, h) -> FiBiNet.fit(data.features(), ex,
                        new int[data.features().numUsers()][0], cfg, tc, h, null));
            }
            default -> throw new UsageException("model must be autoint, xdeepfm or fibinet, got '" + model + "'");
        }
    }

    /** Synthetic click data: features of 6000 users and 4000 items, and {@code dcnSteps} batches of examples. */
    private record ClickData(CtrFeatures features, CtrExamples examples, TrainConfig train, int timedEpochs) {
    }

    private static ClickData clickData(Sizes s, int historyLength) {
        int users = 6000;
        int items = 4000;
        SplittableRandom r = new SplittableRandom(1);
        List<ItemInfo> info = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            info.add(new ItemInfo("i", List.of("c" + r.nextInt(18), "c" + r.nextInt(18)), ""));
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            profiles.add(new UserProfile(Map.of("age", "a" + r.nextInt(7), "gender", "g" + r.nextInt(2),
                    "occupation", "o" + r.nextInt(21))));
        }
        CtrFeatures f = CtrFeatures.encode(users, items, info, profiles);
        TrainConfig tc = CrmSpec.defaults(DcnV2.KIND).train().toBuilder().epochs(1).build();
        int n = tc.batchSize() * s.dcnSteps();
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(users);
            is[k] = r.nextInt(items);
            hs[k] = new int[historyLength];
            for (int h = 0; h < hs[k].length; h++) {
                hs[k][h] = r.nextInt(items);
            }
            ys[k] = r.nextInt(2);
        }
        return new ClickData(f, new CtrExamples(us, is, hs, ys), tc, s.timedEpochs());
    }

    /** One training run of a click model on examples with a config and hooks. */
    @FunctionalInterface
    private interface ClickFit {
        void fit(CtrExamples examples, TrainConfig train, TrainHooks hooks);
    }

    /** Samples/s of the fastest warm epoch over the data's examples ({@code timedEpochs} after a first). */
    private static double clickSamplesPerSecond(ClickData data, ClickFit fit) {
        CtrExamples all = data.examples();
        EpochTimer timer = new EpochTimer();
        fit.fit(all, data.train().toBuilder().epochs(1 + data.timedEpochs()).build(), timer.hooks());
        return all.size() / timer.bestWarmEpochSeconds();
    }

    /** Median seconds of one 3-layer, 64-dim LightGCN propagation over {@code table}'s graph. */
    public static double lightGcnPropagationSeconds(InteractionTable table, Sizes s, int javaThreads) {
        NormalizedAdjacency adj = new NormalizedAdjacency(UserItems.of(table));
        int d = 64;
        SplittableRandom r = new SplittableRandom(2);
        float[] e0 = new float[adj.numNodes() * d];
        for (int i = 0; i < e0.length; i++) {
            e0[i] = (float) r.nextGaussian();
        }
        try (RowParallel parallel = new RowParallel(javaThreads)) {
            adj.propagate(e0, d, 3, parallel);
            double[] t = new double[s.propagationReps()];
            for (int rep = 0; rep < t.length; rep++) {
                long t0 = System.nanoTime();
                adj.propagate(e0, d, 3, parallel);
                t[rep] = (System.nanoTime() - t0) / 1e9;
            }
            return median(t);
        }
    }

    /**
     * The batch size {@code tandem train crm --model lightgcn} uses on {@code table}: the
     * size-aware default of its {@link CrmSpec} ({@link LightGcn#defaultBatchSize}).
     */
    public static int lightGcnDefaultBatch(InteractionTable table) {
        return CrmSpec.defaults(LightGcn.KIND).forTrainingRows(table.size()).train().batchSize();
    }

    /**
     * One LightGCN training epoch (64 dim, 3 layers) at the given batch size over {@code table}:
     * its seconds per step after the first step, times its steps (the run is cut
     * {@value #LIGHTGCN_BUDGET_SECONDS} s after its first step, as the PyTorch peer cuts its own),
     * with the peak heap the run reached (see {@link #peakHeapMb}). {@code refreshEvery} 1 is
     * exact training; an exact step costs two propagations whatever the batch, so larger batches
     * are how an exact epoch over a big graph gets cheaper.
     */
    public static HeapFigures lightGcnEpoch(InteractionTable table, int refreshEvery, int batch, int javaThreads) {
        TrainConfig tc = CrmSpec.defaults(LightGcn.KIND).train().toBuilder().epochs(1).batchSize(batch)
                .threads(javaThreads).build();
        LightGcnConfig cfg = new LightGcnConfig(64, 3, 1e-4, 0.1, refreshEvery);
        long steps = Math.max(2, (table.size() + batch - 1) / batch);
        EpochTimer timer = new EpochTimer(steps, LIGHTGCN_BUDGET_SECONDS);
        HeapFigures run = peakHeapMb(() -> LightGcn.fit(table, cfg, tc, timer.hooks(), null));
        return new HeapFigures(run.peakHeapMb(), timer.epochFromStepsSeconds());
    }

    /**
     * Runs {@code work} after a full GC and a reset of the heap pools' peaks, and returns the sum
     * of the pools' peak usage in MiB (an upper bound of the true peak: pools may peak at
     * different moments) with the run's wall time. Native (engine) memory is not included.
     */
    public static HeapFigures peakHeapMb(Runnable work) {
        List<MemoryPoolMXBean> pools = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) {
                pools.add(p);
            }
        }
        System.gc();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        work.run();
        double sec = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean p : pools) {
            peak += p.getPeakUsage().getUsed();
        }
        return new HeapFigures(peak / (1024.0 * 1024.0), sec);
    }

    /**
     * Median milliseconds of one lazy Adam step over an {@code adamRows} × 64 table, 50 timed
     * steps after 50 untimed ones: clearing the gradient, accumulating {@code adamBatch} row
     * gradients of uniformly drawn rows (repeats summed into one, as an embedding's sparse
     * gradient is coalesced) and updating the touched rows. With {@code freshRows} false the rows
     * are drawn once and every step touches the same ones, as the PyTorch peer times it (a fixed
     * 4,096-row lookup, its backward and {@code SparseAdam}'s step on a 2M × 64 table): their
     * values and moments then stay in the caches. With {@code freshRows} each step draws its own,
     * as training does, and pays a cache miss per row.
     */
    public static double lazyAdamStepMs(Sizes s, boolean freshRows) {
        int rows = s.adamRows();
        int d = 64;
        Parameter table = Parameter.table("t", rows, d, new float[rows * d]);
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(table), TrainConfig.OptimizerKind.LAZY_ADAM, 0.9, 0.999,
                1e-8, 0);
        SplittableRandom r = new SplittableRandom(1);
        int[] fixed = r.ints(s.adamBatch(), 0, rows).toArray();
        float[] g = new float[d];
        for (int j = 0; j < d; j++) {
            g[j] = 0.01f * j;
        }
        double[] t = new double[50];
        for (int rep = -50; rep < t.length; rep++) {
            long t0 = System.nanoTime();
            table.zeroGrad();
            for (int b = 0; b < s.adamBatch(); b++) {
                table.addRowGrad(freshRows ? r.nextInt(rows) : fixed[b], g, 0, 1f);
            }
            opt.step(1e-3);
            if (rep >= 0) {
                t[rep] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return median(t) * 1e3;
    }

    /**
     * MF-BPR (64 dim, default batch): (user, positive, negative) triples per second of the
     * fastest of {@code timedEpochs} epochs after a first one.
     */
    public static double mfBprSamplesPerSecond(InteractionTable table, Sizes s) {
        TrainConfig tc = CrmSpec.defaults("mf-bpr").train().toBuilder().epochs(1 + s.timedEpochs()).build();
        EpochTimer timer = new EpochTimer();
        MatrixFactorization.fit(table, MfConfig.bpr(64), tc, timer.hooks(), null);
        return table.size() / timer.bestWarmEpochSeconds();
    }

    /** The NeuMF that {@link #neuMfPairsPerSecond} trains: the {@link CrmSpec#defaults} of {@code neumf}. */
    public static NcfConfig neuMfConfig() {
        return NcfConfig.neuMf(CrmSpec.defaults("neumf").dim());
    }

    /**
     * NeuMF at its defaults ({@link #neuMfConfig}; today GMF embeddings of d = 16, MLP tower
     * 4d-2d-d = 64-32-16 over user and item MLP embeddings of 2d = 32, 4 negatives per positive,
     * batch 1024; {@code bench crm} prints the sizes it ran): scored pairs per second of the
     * fastest of {@code timedEpochs} epochs after a first one.
     */
    public static double neuMfPairsPerSecond(InteractionTable table, Sizes s) {
        TrainConfig tc = CrmSpec.defaults("neumf").train().toBuilder().epochs(1 + s.timedEpochs()).build();
        NcfConfig cfg = neuMfConfig();
        EpochTimer timer = new EpochTimer();
        Ncf.fit(table, cfg, tc, timer.hooks(), null);
        return table.size() * (1.0 + cfg.negatives()) / timer.bestWarmEpochSeconds();
    }

    /**
     * SASRec ({@link SasRecConfig#defaults}: 64 dim, 50 positions, 2 blocks, default batch 128):
     * training sequences per second of the fastest of {@code timedEpochs} epochs after a first
     * one, each over {@code sasrecUsers} users with 51 items, so every sequence fills all 50
     * positions (tokens/s = 50 × this).
     */
    public static double sasRecSequencesPerSecond(Sizes s) {
        SasRecConfig cfg = SasRecConfig.defaults();
        int users = s.sasrecUsers();
        int items = 2000;
        SplittableRandom r = new SplittableRandom(3);
        InteractionTable.Builder b = new InteractionTable.Builder(users * (cfg.maxLength() + 1));
        long time = 0;
        for (int u = 0; u < users; u++) {
            for (int k = 0; k <= cfg.maxLength(); k++) {
                b.add(u, r.nextInt(items), 1f, time++);
            }
        }
        InteractionTable table = b.build(users, items);
        TrainConfig tc = CrmSpec.defaults(SasRec.KIND).train().toBuilder().epochs(1 + s.timedEpochs()).build();
        EpochTimer timer = new EpochTimer();
        SasRec.fit(table, cfg, tc, timer.hooks(), null);
        return users / timer.bestWarmEpochSeconds();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
