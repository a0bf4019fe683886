package org.tandemrec.crm.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.RankingChecks;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

class DcnV2Test {
    static {
        CtrTestData.useOneEngineThread();
    }

    @Test
    void crossLayerMatchesHandComputation() {
        // x_{l+1} = x0 ⊙ (x W + b) + x, W input × output = [[1,0],[1,1]], b = [0.5,-1].
        // Row 1: x0 = x = [1,2]: xW = [1+2, 0+2] = [3,2]; +b = [3.5,1]; ⊙x0 = [3.5,2]; +x = [4.5,4].
        // Row 2: x0 = [0,-1], x = [2,1]: xW = [3,1]; +b = [3.5,0]; ⊙x0 = [0,0]; +x = [2,1].
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[] {1, 2, 0, -1}, new Shape(2, 2));
            NDArray x = m.create(new float[] {1, 2, 2, 1}, new Shape(2, 2));
            NDArray w = m.create(new float[] {1, 0, 1, 1}, new Shape(2, 2));
            NDArray b = m.create(new float[] {0.5f, -1}, new Shape(1, 2));
            assertArrayEquals(new float[] {4.5f, 4, 2, 1}, DcnV2Network.crossLayer(x0, x, w, b).toFloatArray(), 1e-6f);
        }
    }

    private static DcnV2Config small(DcnV2Config.CrossKind kind, DcnV2Config.Structure structure) {
        return new DcnV2Config(8, 2, kind, 4, 2, List.of(32, 16), structure, 5, 0.05);
    }

    private static TrainConfig train() {
        return CtrTestData.shortTraining();
    }

    @Test
    void learnsSyntheticClickRule() {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        DcnV2 model = DcnV2.fit(s.features(), s.train(), s.latest(),
                small(DcnV2Config.CrossKind.FULL, DcnV2Config.Structure.STACKED), train(), TrainHooks.none(), null);
        float[] p = model.scoreExamples(s.test().users(), s.test().items(), s.test().histories());
        double auc = RankingChecks.auc(p, s.test().labels());
        // The rule is learnable from user/profile × category crosses; 10% noise caps AUC near 0.9.
        assertTrue(auc > 0.75, "test AUC " + auc);
    }

    @Test
    void lowRankMixtureParallelLearnsAndRoundTrips(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        DcnV2 model = DcnV2.fit(s.features(), s.train(), s.latest(),
                small(DcnV2Config.CrossKind.LOW_RANK_MIXTURE, DcnV2Config.Structure.PARALLEL), train(),
                TrainHooks.none(), null);
        float[] p = model.scoreExamples(s.test().users(), s.test().items(), s.test().histories());
        assertTrue(RankingChecks.auc(p, s.test().labels()) > 0.7, "test AUC " + RankingChecks.auc(p, s.test().labels()));
        Path file = dir.resolve("m.bin");
        model.save(file);
        DcnV2 back = DcnV2.load(file);
        assertArrayEquals(p, back.scoreExamples(s.test().users(), s.test().items(), s.test().histories()));
        assertArrayEquals(model.score(new int[] {0, 5}, new int[] {1, 2}), back.score(new int[] {0, 5}, new int[] {1, 2}));
    }

    @Test
    void calibrationMovesProbabilitiesNotRankingsAndIsSaved(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        DcnV2 model = DcnV2.fit(s.features(), s.train(), s.latest(),
                small(DcnV2Config.CrossKind.FULL, DcnV2Config.Structure.STACKED),
                train().toBuilder().epochs(1).build(), TrainHooks.none(), null);
        int[] us = {0, 1, 2, 3};
        int[] is = {4, 5, 6, 7};
        float[] z = model.logits(us, is);
        float[] raw = model.score(us, is);
        PlattScaling c = new PlattScaling(0.5, -0.25);
        DcnV2 cal = model.withCalibration(c);
        float[] p = cal.score(us, is);
        for (int k = 0; k < us.length; k++) {
            assertEquals(Logistic.sigmoid(z[k]), raw[k], 1e-6f);
            assertEquals((float) (1 / (1 + Math.exp(-(0.5 * z[k] - 0.25)))), p[k], 1e-6f);
        }
        assertArrayEquals(z, cal.logits(us, is)); // parameters shared, logits untouched
        Path file = dir.resolve("cal.bin");
        cal.save(file);
        DcnV2 back = DcnV2.load(file);
        assertEquals(c, back.calibration());
        assertArrayEquals(p, back.score(us, is));
        assertEquals(PlattScaling.identity(), DcnV2.load(saved(model, dir)).calibration());
    }

    private static Path saved(DcnV2 model, Path dir) {
        Path file = dir.resolve("plain.bin");
        model.save(file);
        return file;
    }

    @Test
    void intermediatesAreNamedAndShaped(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        DcnV2Config cfg = small(DcnV2Config.CrossKind.FULL, DcnV2Config.Structure.STACKED);
        DcnV2 model = DcnV2.fit(s.features(), s.train(), s.latest(), cfg,
                train().toBuilder().epochs(1).build(), TrainHooks.none(), null);
        // fields: user, item, categories, 2 profile fields, history → D = 6 · 8.
        int width = 6 * 8;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> out = model.intermediates(m, new int[] {1, 2, 3}, new int[] {4, 5, 6});
            assertEquals(List.of("cross_0", "cross_1", "deep_out", "logit"), List.copyOf(out.keySet()));
            assertEquals(new Shape(3, width), out.get("cross_1").getShape());
            assertEquals(new Shape(3, 16), out.get("deep_out").getShape());
            float[] logit = out.get("logit").toFloatArray();
            float[] p = model.score(new int[] {1, 2, 3}, new int[] {4, 5, 6});
            for (int k = 0; k < 3; k++) {
                assertEquals(p[k], Logistic.sigmoid(logit[k]), 1e-6f);
            }
        }
        Path file = dir.resolve("m.bin");
        model.save(file);
        assertThrows(CheckpointException.class, () -> ModelFile.read(file, "sasrec"));
    }

    @Test
    void historiesBeforeFollowTime() {
        var b = new org.tandemrec.data.InteractionTable.Builder();
        b.add(0, 5, 1, 30).add(0, 6, 1, 10).add(1, 7, 1, 5).add(0, 8, 0, 20);
        int[][] h = CtrFeatures.historiesBefore(b.build(2, 9), 1);
        // user 0 in time order: item 6 (t10), item 8 (t20), item 5 (t30); H = 1 keeps the latest earlier one.
        assertArrayEquals(new int[] {8}, h[0]);
        assertArrayEquals(new int[0], h[1]);
        assertArrayEquals(new int[0], h[2]);
        assertArrayEquals(new int[] {6}, h[3]);
    }

    @Test
    void examplesTakeHistoryFromEarlierSplit() {
        var train = new org.tandemrec.data.InteractionTable.Builder().add(0, 1, 5, 10).add(0, 2, 2, 20).build(1, 5);
        var test = new org.tandemrec.data.InteractionTable.Builder().add(0, 3, 4, 40).add(0, 4, 1, 30).build(1, 5);
        CtrExamples e = CtrExamples.of(train, test, org.tandemrec.data.LabelRule.atLeast(4), 3);
        // Row 0 (t40) sees items 1, 2 (train) and 4 (t30, the test row before it); row 1 (t30) sees 1, 2.
        assertArrayEquals(new int[] {1, 2, 4}, e.histories()[0]);
        assertArrayEquals(new int[] {1, 2}, e.histories()[1]);
        assertArrayEquals(new float[] {1, 0}, e.labels());
    }

    @Test
    void configNamesTheBadField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new DcnV2Config(16, 0, DcnV2Config.CrossKind.FULL, 4, 2, List.of(8), DcnV2Config.Structure.STACKED, 20, 0.05));
        assertEquals("crossLayers must be > 0, got 0", e.getMessage());
    }
}
