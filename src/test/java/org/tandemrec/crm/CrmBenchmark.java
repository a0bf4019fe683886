package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.AdamOptimizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * Timings for the report (not a unit test: run by hand with the test classpath). Figures on a
 * shared machine are noisy; each is the median of a few repetitions.
 */
public final class CrmBenchmark {
    private CrmBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        matmul();
        lazyAdam();
        propagation(threads);
        if (Boolean.getBoolean("bench.models")) {
            mfAndNcf();
        }
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void matmul() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(1024, 1024));
            NDArray b = m.randomNormal(new Shape(1024, 1024));
            for (int i = 0; i < 3; i++) {
                a.matMul(b).close();
            }
            double[] t = new double[9];
            for (int r = 0; r < t.length; r++) {
                long s = System.nanoTime();
                NDArray c = a.matMul(b);
                c.toFloatArray();
                t[r] = (System.nanoTime() - s) / 1e9;
                c.close();
            }
            double sec = median(t);
            System.out.printf(Locale.ROOT, "DJL matMul 1024x1024 f32: %.2f ms, %.1f GFLOP/s%n", sec * 1e3, 2.0 * 1024 * 1024 * 1024 / sec / 1e9);
        }
    }

    private static void lazyAdam() {
        int rows = 2_000_000;
        int d = 64;
        int batch = 4096;
        Parameter table = Parameter.table("t", rows, d, new float[rows * d]);
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(table), TrainConfig.OptimizerKind.LAZY_ADAM, 0.9, 0.999, 1e-8, 0);
        SplittableRandom r = new SplittableRandom(1);
        float[] g = new float[d];
        for (int j = 0; j < d; j++) {
            g[j] = 0.01f * j;
        }
        double[] t = new double[30];
        for (int rep = 0; rep < t.length; rep++) {
            table.zeroGrad();
            long s = System.nanoTime();
            for (int b = 0; b < batch * 3; b++) { // user, positive and negative rows of a batch
                table.addRowGrad(r.nextInt(rows), g, 0, 1f);
            }
            opt.step(1e-3);
            t[rep] = (System.nanoTime() - s) / 1e9;
        }
        System.out.printf(Locale.ROOT, "lazy Adam 2Mx64, %d touched-row grads/step (grad accumulation + update): %.2f ms/step%n",
                batch * 3, median(t) * 1e3);
        Parameter dense = Parameter.dense("d", rows, d, table.value());
        AdamOptimizer denseOpt = new AdamOptimizer(ParameterSet.of(dense), TrainConfig.OptimizerKind.ADAM, 0.9, 0.999, 1e-8, 0);
        long s = System.nanoTime();
        for (int rep = 0; rep < 3; rep++) {
            denseOpt.step(1e-3);
        }
        System.out.printf(Locale.ROOT, "dense Adam 2Mx64 (plain Java, 1 thread): %.0f ms/step%n", (System.nanoTime() - s) / 3e6);
    }

    private static void propagation(int threads) {
        int users = 100_000;
        int items = 50_000;
        int n = 1_000_000;
        SplittableRandom r = new SplittableRandom(2);
        InteractionTable.Builder b = new InteractionTable.Builder(n);
        for (int k = 0; k < n; k++) {
            b.add(r.nextInt(users), r.nextInt(items), 1f, k);
        }
        InteractionTable table = b.build(users, items);
        UserItemIndex index = new UserItemIndex(table);
        NormalizedAdjacency adj = new NormalizedAdjacency(index);
        int d = 64;
        float[] e0 = new float[adj.numNodes() * d];
        for (int i = 0; i < e0.length; i++) {
            e0[i] = (float) r.nextGaussian();
        }
        try (RowParallel parallel = new RowParallel(threads)) {
            adj.propagate(e0, d, 3, parallel);
            double[] t = new double[5];
            for (int rep = 0; rep < t.length; rep++) {
                long s = System.nanoTime();
                adj.propagate(e0, d, 3, parallel);
                t[rep] = (System.nanoTime() - s) / 1e9;
            }
            double prop = median(t);
            System.out.printf(Locale.ROOT, "LightGCN propagation, %d distinct edges (%d nnz), 64 dim, 3 layers, %d threads: %.0f ms%n",
                    index.numEdges(), adj.nonZeros(), threads, prop * 1e3);
        }
        if (!Boolean.getBoolean("bench.epoch")) {
            return;
        }
        // Real training epochs at batch 16384: exact (2 propagations per step) and refreshEvery 4.
        TrainConfig tc = TrainConfig.builder().epochs(1).batchSize(16384).learningRate(0.01)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).threads(threads).build();
        for (int refresh : new int[] {1, 4}) {
            long s = System.nanoTime();
            LightGcn.fit(table, new LightGcnConfig(64, 3, 1e-4, 0.1, refresh), tc, TrainHooks.none(), null);
            System.out.printf(Locale.ROOT, "LightGCN one epoch over 1M interactions, batch 16384 (%d steps), refreshEvery %d: %.1f s%n",
                    (n + 16383) / 16384, refresh, (System.nanoTime() - s) / 1e9);
        }
    }

    private static void mfAndNcf() {
        SyntheticClusters world = new SyntheticClusters(20_000, 5_000, 20, 25, 4);
        int n = world.train.size();
        TrainConfig tc = TrainConfig.builder().epochs(1).batchSize(4096).learningRate(0.01)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).build();
        for (int rep = 0; rep < 1; rep++) {
            long s = System.nanoTime();
            MatrixFactorization.fit(world.train, MfConfig.bpr(64), tc, TrainHooks.none(), null);
            double sec = (System.nanoTime() - s) / 1e9;
            System.out.printf(Locale.ROOT, "MF-BPR d=64: %d positives in %.2f s = %.0f triples/s%n", n, sec, n / sec);
            s = System.nanoTime();
            MatrixFactorization.fit(world.train, MfConfig.bce(64), tc, TrainHooks.none(), null);
            sec = (System.nanoTime() - s) / 1e9;
            System.out.printf(Locale.ROOT, "MF-BCE d=64, 4 negatives: %.0f scored pairs/s%n", n * 5 / sec);
            s = System.nanoTime();
            Ncf.fit(world.train, NcfConfig.neuMf(16), tc, TrainHooks.none(), null);
            sec = (System.nanoTime() - s) / 1e9;
            System.out.printf(Locale.ROOT, "NeuMF d=16, MLP [64,32,16], 4 negatives: %.0f scored pairs/s (%.2f s/epoch of %d positives)%n",
                    n * 5 / sec, sec, n);
        }
    }
}
