package org.tandemrec.crm.sequential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.SideBySide;
import org.tandemrec.crm.RankingChecks;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

class SequentialModelsTest {
    static {
        // Tiny tensors: one intra-op thread avoids thread hand-offs that dominate on a busy 2-core machine
        // (effective only if the engine has not started yet in this JVM).
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    private static final int ITEMS = 50;
    private static final int USERS = 120;
    private static final int LENGTH = 9;

    /** Each user walks start, start+1, … (mod I): the next item is always the successor of the last one. */
    private static int[][] walks() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] w = new int[USERS][LENGTH + 1];
        for (int u = 0; u < USERS; u++) {
            int start = r.nextInt(ITEMS);
            for (int t = 0; t <= LENGTH; t++) {
                w[u][t] = (start + t) % ITEMS;
            }
        }
        return w;
    }

    /** The first LENGTH steps of every walk; the last step is held out. Timestamps run backwards in row order to exercise time ordering. */
    private static InteractionTable train(int[][] walks) {
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int u = 0; u < USERS; u++) {
            for (int t = LENGTH - 1; t >= 0; t--) {
                b.add(u, walks[u][t], 1f, 1000L * u + t);
            }
        }
        return b.build(USERS, ITEMS);
    }

    private static double hitRate(Recommender model, int[][] walks) {
        int hits = 0;
        int[] all = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            all[i] = i;
        }
        for (int u = 0; u < USERS; u++) {
            float[] s = model.scoreCandidates(new int[] {u}, new int[][] {all})[0];
            hits += RankingChecks.rank(s, walks[u][LENGTH]) < 10 ? 1 : 0;
        }
        return hits / (double) USERS;
    }

    /** HR@10 of ranking by training popularity (the baseline a sequential model must beat). */
    private static double popularityHitRate(InteractionTable train, int[][] walks) {
        int[] counts = train.itemCounts();
        float[] s = new float[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            s[i] = counts[i] + i * 1e-3f;
        }
        int hits = 0;
        for (int u = 0; u < USERS; u++) {
            hits += RankingChecks.rank(s, walks[u][LENGTH]) < 10 ? 1 : 0;
        }
        return hits / (double) USERS;
    }

    private static TrainConfig config(int epochs) {
        return TrainConfig.builder().epochs(epochs).batchSize(32).learningRate(0.01).seed(9).build();
    }

    private void learnsSuccessor(Function<InteractionTable, SequentialRecommender> fit, Path dir,
                                 Function<Path, SequentialRecommender> load) {
        int[][] w = walks();
        InteractionTable t = train(w);
        SequentialRecommender model = fit.apply(t);
        double hr = hitRate(model, w);
        double pop = popularityHitRate(t, w);
        // Uniform starts make popularity nearly flat: its HR@10 stays near 10/50.
        assertTrue(pop < 0.4, "popularity HR@10 " + pop);
        assertTrue(hr > 0.8, model.kind() + " HR@10 " + hr + " vs popularity " + pop);
        // maxLength 8 of the 9 training items: the stored sequence starts at the second step.
        assertArrayEquals(new int[] {w[0][1], w[0][2]}, java.util.Arrays.copyOf(model.sequence(0), 2));
        Path file = dir.resolve(model.kind() + ".bin");
        model.save(file);
        SequentialRecommender back = load.apply(file);
        int[] us = {0, 1, 2, 3};
        int[] is = {4, 5, 6, 7};
        assertArrayEquals(model.score(us, is), back.score(us, is));
        assertEquals(model.kind(), back.kind());
        assertThrows(CheckpointException.class, () -> DcnV2.load(file));
    }

    @Test
    void sasRecLearnsSuccessorPattern(@TempDir Path dir) {
        learnsSuccessor(t -> SasRec.fit(t, new SasRecConfig(16, 8, 1, 2, 0.1), config(30), TrainHooks.none(), null),
                dir, SasRec::load);
    }

    @Test
    void gru4RecLearnsSuccessorPattern(@TempDir Path dir) {
        learnsSuccessor(t -> Gru4Rec.fit(t, new Gru4RecConfig(16, 8, 0.1), config(30), TrainHooks.none(), null),
                dir, Gru4Rec::load);
    }

    @Test
    void bert4RecLearnsSuccessorPattern(@TempDir Path dir) {
        learnsSuccessor(t -> Bert4Rec.fit(t, new Bert4RecConfig(16, 8, 1, 2, 0.1, 0.3), config(40), TrainHooks.none(),
                null), dir, Bert4Rec::load);
    }

    /** Models trained side by side share no state: each is the model trained alone, bit for bit. */
    @Test
    void sideBySideTrainingGivesTheModelsTrainedOneAtATime() throws java.io.IOException {
        InteractionTable t = train(walks());
        List<SideBySide.Job<SequentialRecommender>> jobs = List.of(
                () -> SasRec.fit(t, new SasRecConfig(16, 8, 1, 2, 0.1), config(3), TrainHooks.none(), null),
                () -> Bert4Rec.fit(t, new Bert4RecConfig(16, 8, 1, 2, 0.1, 0.3), config(3), TrainHooks.none(), null),
                () -> Gru4Rec.fit(t, new Gru4RecConfig(16, 8, 0.1), config(3), TrainHooks.none(), null));
        List<SequentialRecommender> alone = SideBySide.run(jobs, 1, null);
        List<SequentialRecommender> together = SideBySide.run(jobs, 3, new int[] {2, 0, 1});
        int[] us = {0, 1, 2, 3, 50, 119};
        int[] is = {4, 5, 6, 7, 8, 49};
        for (int k = 0; k < jobs.size(); k++) {
            assertEquals(alone.get(k).kind(), together.get(k).kind());
            assertArrayEquals(alone.get(k).score(us, is), together.get(k).score(us, is), alone.get(k).kind());
        }
    }

    @Test
    void configsNameTheBadField() {
        assertEquals("heads must be > 0 and divide dim 16, got 3",
                assertThrows(IllegalArgumentException.class, () -> new SasRecConfig(16, 8, 1, 3, 0.1)).getMessage());
        assertEquals("dropout must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Gru4RecConfig(16, 8, 1.0)).getMessage());
    }
}
