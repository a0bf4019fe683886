package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/**
 * Throughput measurement, not a correctness test: run with {@code -Dtandem.bench=true}.
 * Prints training samples/s at batch 2048 (d=16 per field, 3 full-rank cross layers, MLP
 * 256-128) and the achieved GFLOP/s next to a DJL 1024×1024 matmul measured in the same run.
 * Compare {@code -Dai.djl.pytorch.num_threads=1} and {@code =2}: on a shared 2-core machine one
 * intra-op thread was about 8× faster for these small tensors.
 */
@EnabledIfSystemProperty(named = "tandem.bench", matches = "true")
class DcnV2Benchmark {
    @Test
    void throughput() {
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
        int n = 2048 * Integer.getInteger("tandem.bench.steps", 30);
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(users);
            is[k] = r.nextInt(items);
            hs[k] = new int[20];
            for (int h = 0; h < 20; h++) {
                hs[k][h] = r.nextInt(items);
            }
            ys[k] = r.nextInt(2);
        }
        DcnV2Config cfg = DcnV2Config.defaults();
        int dim = DcnV2.numFields(f) * cfg.embeddingDim();
        TrainConfig tc = TrainConfig.builder().epochs(1).batchSize(2048).learningRate(1e-3).seed(1).build();
        // Warm-up (JIT, native init), then the timed epoch.
        DcnV2.fit(f, new CtrExamples(java.util.Arrays.copyOf(us, 4096), java.util.Arrays.copyOf(is, 4096),
                java.util.Arrays.copyOf(hs, 4096), java.util.Arrays.copyOf(ys, 4096)), new int[users][0], cfg, tc,
                TrainHooks.none(), null);
        long t0 = System.nanoTime();
        DcnV2.fit(f, new CtrExamples(us, is, hs, ys), new int[users][0], cfg, tc, TrainHooks.none(), null);
        double sec = (System.nanoTime() - t0) / 1e9;
        // Forward multiply-adds per sample: cross L·D², MLP D·256 + 256·128, head 128; backward ≈ 2× forward.
        double fwd = 2.0 * (3.0 * dim * dim + dim * 256.0 + 256.0 * 128 + 128);
        double gflops = 3 * fwd * n / sec / 1e9;
        double mm = matmulGflops();
        System.out.printf(Locale.ROOT, "dcnv2 D=%d: %.0f samples/s, %.2f GFLOP/s (dense layers), matmul 1024^2: %.2f GFLOP/s%n",
                dim, n / sec, gflops, mm);
    }

    private static double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(1024, 1024));
            NDArray b = m.randomNormal(new Shape(1024, 1024));
            a.matMul(b).close();
            int reps = 10;
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) {
                a.matMul(b).close();
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            return reps * 2.0 * 1024 * 1024 * 1024 / sec / 1e9;
        }
    }
}
