package org.tandemrec.crm.ctr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.crm.RankingChecks;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.TrainConfig;

/** Data and settings the CTR model tests share. */
final class CtrTestData {
    static final String[] CATS = {"action", "comedy", "drama"};

    private CtrTestData() {
    }

    /**
     * Tiny tensors: one intra-op thread avoids thread hand-offs that dominate on a busy 2-core
     * machine (effective only if the engine has not started yet in this JVM; call from a test
     * class's static initialiser).
     */
    static void useOneEngineThread() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    /** Synthetic CTR: a user clicks an item iff its category is the one named in the user's profile (10% label noise). */
    record Synthetic(CtrFeatures features, CtrExamples train, CtrExamples test, int[][] latest) {
    }

    static Synthetic synthetic() {
        int users = 60;
        int items = 45;
        SplittableRandom r = new SplittableRandom(11);
        List<ItemInfo> info = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            info.add(new ItemInfo("item " + i, List.of(CATS[i % 3]), ""));
        }
        List<UserProfile> profiles = new ArrayList<>();
        int[] likes = new int[users];
        for (int u = 0; u < users; u++) {
            likes[u] = r.nextInt(3);
            profiles.add(new UserProfile(Map.of("likes", CATS[likes[u]], "group", "g" + (u % 4))));
        }
        CtrFeatures f = CtrFeatures.encode(users, items, info, profiles);
        CtrExamples train = examples(3000, users, items, likes, r);
        CtrExamples test = examples(600, users, items, likes, r);
        int[][] latest = new int[users][0];
        return new Synthetic(f, train, test, latest);
    }

    private static CtrExamples examples(int n, int users, int items, int[] likes, SplittableRandom r) {
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(users);
            is[k] = r.nextInt(items);
            hs[k] = new int[] {r.nextInt(items), r.nextInt(items)};
            boolean click = is[k] % 3 == likes[us[k]];
            ys[k] = (r.nextDouble() < 0.1) != click ? 1f : 0f;
        }
        return new CtrExamples(us, is, hs, ys);
    }

    /** Short training on {@link #synthetic()}: 6 epochs of 256 at rate 0.02. */
    static TrainConfig shortTraining() {
        return TrainConfig.builder().epochs(6).batchSize(256).learningRate(0.02).seed(3).build();
    }

    /** Test AUC of scoring each example by its item's click-through rate in the training examples (the popularity level). */
    static double popularityAuc(Synthetic s) {
        Map<Integer, double[]> counts = new HashMap<>();
        for (int k = 0; k < s.train().size(); k++) {
            double[] c = counts.computeIfAbsent(s.train().items()[k], i -> new double[2]);
            c[0] += s.train().labels()[k];
            c[1]++;
        }
        float[] p = new float[s.test().size()];
        for (int k = 0; k < p.length; k++) {
            double[] c = counts.getOrDefault(s.test().items()[k], new double[] {0, 0});
            p[k] = (float) ((c[0] + 1) / (c[1] + 2));
        }
        return RankingChecks.auc(p, s.test().labels());
    }

    /** Test AUC of {@code model} on {@link Synthetic#test()} with the examples' own histories. */
    static double testAuc(CtrModel<?, ?> model, Synthetic s) {
        return RankingChecks.auc(model.scoreExamples(s.test().users(), s.test().items(), s.test().histories()),
                s.test().labels());
    }
}
