package org.tandemrec.crm.cf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.SyntheticClusters;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/** MF (BPR, BCE), GMF and NeuMF on a clustered synthetic world against the popularity floor. */
class ConventionalModelsTest {
    private static SyntheticClusters world;
    private static double popularityHr;

    @TempDir
    Path dir;

    @BeforeAll
    static void world() {
        world = new SyntheticClusters(200, 100, 5, 15, 3);
        popularityHr = world.hitRateAt10(PopularityRecommender.fit(world.train));
    }

    private static TrainConfig tc(int epochs, double lr) {
        return TrainConfig.builder().epochs(epochs).batchSize(256).learningRate(lr)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(9).build();
    }

    @Test
    void mfBprBeatsPopularity() {
        MatrixFactorization m = MatrixFactorization.fit(world.train, MfConfig.bpr(16), tc(30, 0.02), TrainHooks.none(), null);
        double hr = world.hitRateAt10(m);
        assertTrue(hr > popularityHr + 0.15, "MF-BPR HR@10 " + hr + " vs popularity " + popularityHr);
    }

    @Test
    void mfBceBeatsPopularityAndGivesProbabilities() {
        MatrixFactorization m = MatrixFactorization.fit(world.train, MfConfig.bce(16), tc(30, 0.02), TrainHooks.none(), null);
        double hr = world.hitRateAt10(m);
        assertTrue(hr > popularityHr + 0.15, "MF-BCE HR@10 " + hr + " vs popularity " + popularityHr);
        for (float s : m.score(new int[] {0, 1, 2}, new int[] {0, 50, 99})) {
            assertTrue(s >= 0 && s <= 1, "probability " + s);
        }
    }

    @Test
    void neuMfBeatsPopularityAndExposesLayers() {
        Ncf m = Ncf.fit(world.train, NcfConfig.neuMf(8), tc(20, 0.01), TrainHooks.none(), null);
        double hr = world.hitRateAt10(m);
        assertTrue(hr > popularityHr + 0.15, "NeuMF HR@10 " + hr + " vs popularity " + popularityHr);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> out = m.intermediates(manager, new int[] {0, 1, 2}, new int[] {3, 4, 5});
            assertEquals(java.util.List.of("gmf", "mlp_0", "mlp_1", "logit", "score"), java.util.List.copyOf(out.keySet()));
            assertEquals(new ai.djl.ndarray.types.Shape(3, 16), out.get("mlp_0").getShape());
            assertArrayEquals(m.score(new int[] {0, 1, 2}, new int[] {3, 4, 5}), out.get("score").toFloatArray(), 1e-7f);
        }
        assertEquals(8 + 16, m.userEmbeddings()[0].length);
    }

    @Test
    void neuMfFromPretrainedTowersStartsAtTheirAverageLogitAndFineTunes() {
        // He et al. §3.4.1 with α = 0.5: NeuMF's first logit is exactly the mean of the GMF and
        // MLP logits, as its output layer is the two output layers side by side, halved.
        NcfConfig neuMf = NcfConfig.neuMf(8);
        Ncf gmf = Ncf.fit(world.train, new NcfConfig(NcfConfig.Variant.GMF, 8, java.util.List.of(), 4, 0, 0.01),
                tc(3, 0.01), TrainHooks.none(), null);
        Ncf mlp = Ncf.fit(world.train, new NcfConfig(NcfConfig.Variant.MLP, 8, neuMf.mlpLayers(), 4, 0, 0.01),
                tc(3, 0.01), TrainHooks.none(), null);
        Ncf start = Ncf.combine(neuMf, gmf, mlp, 0.5);
        int[] us = {0, 7, 150};
        int[] is = {3, 42, 99};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] g = gmf.intermediates(manager, us, is).get("logit").toFloatArray();
            float[] m = mlp.intermediates(manager, us, is).get("logit").toFloatArray();
            float[] n = start.intermediates(manager, us, is).get("logit").toFloatArray();
            for (int k = 0; k < us.length; k++) {
                assertEquals(0.5f * (g[k] + m[k]), n[k], 1e-5f * (1 + Math.abs(n[k])), "pair " + k);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Ncf.combine(NcfConfig.neuMf(4), gmf, mlp, 0.5));
        Ncf tuned = Ncf.fitPretrained(world.train, neuMf, tc(10, 0.01), TrainHooks.none(), null);
        double hr = world.hitRateAt10(tuned);
        assertTrue(hr > popularityHr + 0.15, "pre-trained NeuMF HR@10 " + hr + " vs popularity " + popularityHr);
    }

    @Test
    void gmfBeatsPopularity() {
        Ncf m = Ncf.fit(world.train, NcfConfig.gmf(16), tc(25, 0.02), TrainHooks.none(), null);
        double hr = world.hitRateAt10(m);
        assertTrue(hr > popularityHr + 0.1, "GMF HR@10 " + hr + " vs popularity " + popularityHr);
    }

    @Test
    void savedModelsReloadToTheSamePredictionsAndRefuseOtherKinds() throws IOException {
        int[] us = {0, 5, 17, 199};
        int[] is = {0, 33, 64, 99};
        Ncf ncf = Ncf.fit(world.train, NcfConfig.neuMf(4), tc(1, 0.01), TrainHooks.none(), null);
        MatrixFactorization mf = MatrixFactorization.fit(world.train, MfConfig.bpr(4), tc(1, 0.01), TrainHooks.none(), null);
        LightGcn gcn = LightGcn.fit(world.train, LightGcnConfig.of(4, 2, 0), tc(1, 0.01), TrainHooks.none(), null);
        PopularityRecommender pop = PopularityRecommender.fit(world.train);
        RandomRecommender rnd = new RandomRecommender(new RandomRecommender.Config(3, 200, 100));
        for (Recommender m : new Recommender[] {ncf, mf, gcn, pop, rnd}) {
            Path f = dir.resolve(m.kind() + ".model");
            m.save(f);
            Recommender back = CrmCatalog.load(f);
            assertEquals(m.kind(), back.kind());
            assertArrayEquals(m.score(us, is), back.score(us, is), 0f, m.kind());
            float[][] lists = back.scoreCandidates(new int[] {5, 17}, new int[][] {{33, 0, 99}, {64}});
            assertArrayEquals(back.score(new int[] {5, 5, 5}, new int[] {33, 0, 99}), lists[0], 0f);
            assertArrayEquals(back.score(new int[] {17}, new int[] {64}), lists[1], 0f);
        }
        var e = assertThrows(CheckpointException.class, () -> LightGcn.load(dir.resolve("mf.model")));
        assertTrue(e.getMessage().contains("holds a 'mf' model, expected 'lightgcn'"), e.getMessage());

        byte[] bytes = Files.readAllBytes(dir.resolve("ncf.model"));
        bytes[bytes.length / 2] ^= 1; // inside the MLP embedding values
        Path bad = dir.resolve("bad.model");
        Files.write(bad, bytes);
        var e2 = assertThrows(org.tandemrec.data.DataFormatException.class, () -> CrmCatalog.load(bad));
        assertTrue(e2.getMessage().contains("checksum mismatch"), e2.getMessage());
        Path cut = dir.resolve("cut.model");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        var e3 = assertThrows(org.tandemrec.data.DataFormatException.class, () -> CrmCatalog.load(cut));
        assertTrue(e3.getMessage().contains("truncated"), e3.getMessage());
    }

    @Test
    void validationKeepsTheBestEpoch() {
        double[] seen = new double[1];
        MatrixFactorization m = MatrixFactorization.fit(world.train, MfConfig.bpr(8),
                tc(6, 0.02).toBuilder().patience(2).build(), TrainHooks.none(),
                r -> {
                    double hr = world.hitRateAt10(r);
                    seen[0] = Math.max(seen[0], hr);
                    return hr;
                });
        assertEquals(seen[0], world.hitRateAt10(m), 1e-12);
    }
}
