package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/** DCNv2 on a labelled version of the clustered world: gradients, AUC above popularity, layers, save/load. */
class DcnTest {
    @TempDir
    Path dir;

    /** Positives labelled 1 plus one unseen item per positive labelled 0, in time order. */
    private static InteractionTable labelled(SyntheticClusters w, long seed) {
        UserItemIndex seen = new UserItemIndex(w.train);
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int k = 0; k < w.train.size(); k++) {
            int u = w.train.user(k);
            b.add(u, w.train.item(k), 1f, 2L * k);
            b.add(u, seen.sampleNegative(u, r), 0f, 2L * k + 1);
        }
        return b.build(w.numUsers, w.numItems);
    }

    private static List<ItemInfo> items(SyntheticClusters w, int clusters) {
        List<ItemInfo> out = new ArrayList<>();
        int per = w.numItems / clusters;
        for (int i = 0; i < w.numItems; i++) {
            out.add(new ItemInfo("item " + i, List.of("topic" + (i / per), i % 2 == 0 ? "even" : "odd"), ""));
        }
        return out;
    }

    private static List<UserProfile> profiles(SyntheticClusters w) {
        List<UserProfile> out = new ArrayList<>();
        for (int u = 0; u < w.numUsers; u++) {
            out.add(new UserProfile(Map.of("age", String.valueOf(u % 7), "region", String.valueOf(u % 3))));
        }
        return out;
    }

    /** AUC by counting ordered (positive, negative) pairs, ties counting one half. */
    private static double auc(float[] scores, float[] labels) {
        double good = 0;
        long pairs = 0;
        for (int a = 0; a < scores.length; a++) {
            for (int b = 0; b < scores.length; b++) {
                if (labels[a] == 1f && labels[b] == 0f) {
                    pairs++;
                    good += scores[a] > scores[b] ? 1 : scores[a] == scores[b] ? 0.5 : 0;
                }
            }
        }
        return good / pairs;
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        SyntheticClusters w = new SyntheticClusters(30, 20, 2, 5, 8);
        DcnConfig c = new DcnConfig(3, 2, List.of(5, 4), DcnConfig.Structure.STACKED, 3, 1e-2, 0.5);
        GradientCheckTest.check(Dcn.trainingTask(labelled(w, 1), items(w, 2), profiles(w), c, 4), 6);
        DcnConfig parallel = new DcnConfig(3, 2, List.of(4), DcnConfig.Structure.PARALLEL, 3, 0, 0.5);
        GradientCheckTest.check(Dcn.trainingTask(labelled(w, 1), items(w, 2), profiles(w), parallel, 4), 6, 1e-3);
    }

    @Test
    void beatsPopularityOnHeldOutClicksAndRoundTrips() {
        SyntheticClusters w = new SyntheticClusters(200, 100, 5, 15, 3);
        DcnConfig c = new DcnConfig(8, 3, List.of(16, 8), DcnConfig.Structure.STACKED, 5, 0, 0.05);
        TrainConfig tc = TrainConfig.builder().epochs(4).batchSize(256).learningRate(0.01)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(2).build();
        Dcn m = Dcn.fit(labelled(w, 1), items(w, 5), profiles(w), c, tc, TrainHooks.none(), null);
        UserItemIndex seen = new UserItemIndex(w.train);
        SplittableRandom r = new SplittableRandom(77);
        int[] us = new int[2 * w.numUsers];
        int[] is = new int[2 * w.numUsers];
        float[] ys = new float[2 * w.numUsers];
        for (int u = 0; u < w.numUsers; u++) {
            us[2 * u] = u;
            is[2 * u] = w.heldOutItem[u];
            ys[2 * u] = 1f;
            us[2 * u + 1] = u;
            int neg = seen.sampleNegative(u, r);
            while (neg == w.heldOutItem[u]) {
                neg = seen.sampleNegative(u, r);
            }
            is[2 * u + 1] = neg;
        }
        double dcn = auc(m.score(us, is), ys);
        double pop = auc(PopularityRecommender.fit(w.train).score(us, is), ys);
        assertTrue(dcn > pop + 0.1, "DCNv2 AUC " + dcn + " vs popularity " + pop);

        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> out = m.intermediates(manager, new int[] {0, 1}, new int[] {2, 3});
            assertEquals(List.of("x0", "cross_0", "cross_1", "cross_2", "deep_0", "deep_1", "logit", "score"),
                    List.copyOf(out.keySet()));
            // 3 id/category fields + 2 profile fields + history = 6 fields × e = 48
            assertEquals(new ai.djl.ndarray.types.Shape(2, 48), out.get("cross_2").getShape());
        }
        Path f = dir.resolve("dcn.model");
        m.save(f);
        Recommender back = CrmModels.load(f);
        assertArrayEquals(m.score(us, is), back.score(us, is), 0f);
    }
}
