package org.tandemrec.crm.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemrec.crm.ctr.CtrReference.HISTORIES;
import static org.tandemrec.crm.ctr.CtrReference.HISTORY;
import static org.tandemrec.crm.ctr.CtrReference.ITEMS;
import static org.tandemrec.crm.ctr.CtrReference.USERS;
import static org.tandemrec.crm.ctr.CtrReference.dot;
import static org.tandemrec.crm.ctr.CtrReference.flat;
import static org.tandemrec.crm.ctr.CtrReference.matrix;
import static org.tandemrec.crm.ctr.CtrReference.vector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainHooks;

class XDeepFmTest {
    static {
        CtrTestData.useOneEngineThread();
    }

    private static XDeepFmConfig tiny(List<Integer> deep) {
        return new XDeepFmConfig(3, List.of(4, 2), deep, HISTORY, 0.1);
    }

    @Test
    void forwardMatchesThePapersEquationsComputedInPlainJava() {
        // The expected logits are computed below by plain Java loops from Lian et al. 2018 (the
        // CIN's feature maps, sum pooling, the output unit) on the same fixed weights:
        // D = 3, CIN 4-2, F = 5 fields; with and without the DNN.
        CtrFeatures f = CtrReference.tinyFeatures();
        for (List<Integer> deep : List.of(List.of(4, 3), List.<Integer>of())) {
            XDeepFmConfig c = tiny(deep);
            ParameterSet p = XDeepFmNetwork.initialise(f, c, new SplittableRandom(1));
            CtrReference.fixWeights(p);
            float[] got = CtrReference.logits((s, u, i, h) -> XDeepFmNetwork.forward(s, p, c, f, u, i, h));
            for (int b = 0; b < USERS.length; b++) {
                assertEquals(expectedLogit(p, c, f, b), got[b], 1e-5, "example " + b + " with DNN " + deep);
            }
        }
    }

    private static double expectedLogit(ParameterSet p, XDeepFmConfig c, CtrFeatures f, int b) {
        double[][] x0 = CtrReference.fields(p, "emb_", f, c.embeddingDim(), c.historyLength(), USERS[b], ITEMS[b],
                HISTORIES[b]);
        int m = x0.length;
        int d = c.embeddingDim();
        double[] w = vector(p, "out_w");
        int o = 0;
        double z = 0;
        double[][] x = x0;
        for (int k = 0; k < c.cinLayers().size(); k++) {
            double[][] wk = matrix(p, "cin_" + k + "_w");
            int maps = c.cinLayers().get(k);
            double[][] next = new double[maps][d];
            for (int h = 0; h < maps; h++) {
                // The CIN layer: X^k_{h,*} = Σ_i Σ_j W^{k,h}_{ij} (X^{k-1}_{i,*} ∘ X^0_{j,*}).
                for (int i = 0; i < x.length; i++) {
                    for (int j = 0; j < m; j++) {
                        for (int t = 0; t < d; t++) {
                            next[h][t] += wk[i * m + j][h] * x[i][t] * x0[j][t];
                        }
                    }
                }
                // Sum pooling p^k_h = Σ_t X^k_{h,t}, weighted by w_cin.
                double pooled = 0;
                for (int t = 0; t < d; t++) {
                    pooled += next[h][t];
                }
                z += pooled * w[o++];
            }
            x = next;
        }
        if (!c.deepLayers().isEmpty()) {
            z += dot(CtrReference.mlp(p, "deep", c.deepLayers().size(), flat(x0)), w, o);
        }
        // The output unit: plus the linear part over the raw features and the bias.
        return z + CtrReference.linearTerm(p, f, c.historyLength(), USERS[b], ITEMS[b], HISTORIES[b])
                + vector(p, "out_b")[0];
    }

    @Test
    void gradientsReachEveryParameter() {
        CtrFeatures f = CtrReference.tinyFeatures();
        XDeepFmConfig c = tiny(List.of(4));
        ParameterSet p = XDeepFmNetwork.initialise(f, c, new SplittableRandom(2));
        CtrReference.assertEveryGradientNonZero(p, (s, u, i, h) -> XDeepFmNetwork.forward(s, p, c, f, u, i, h));
    }

    @Test
    void learnsSyntheticClickRuleAndRoundTrips(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        XDeepFm model = XDeepFm.fit(s.features(), s.train(), s.latest(),
                new XDeepFmConfig(8, List.of(16, 16), List.of(32, 16), 5, 0.05), CtrTestData.shortTraining(),
                TrainHooks.none(), null);
        double auc = CtrTestData.testAuc(model, s);
        double pop = CtrTestData.popularityAuc(s);
        // The rule is a user-profile × category interaction; 10% noise caps AUC near 0.9.
        assertTrue(auc > 0.75 && auc > pop + 0.1, "test AUC " + auc + ", popularity " + pop);

        XDeepFm calibrated = model.withCalibration(new PlattScaling(0.8, 0.1));
        Path file = dir.resolve("xdeepfm.bin");
        calibrated.save(file);
        XDeepFm back = XDeepFm.load(file);
        assertEquals(calibrated.calibration(), back.calibration());
        assertArrayEquals(calibrated.scoreExamples(s.test().users(), s.test().items(), s.test().histories()),
                back.scoreExamples(s.test().users(), s.test().items(), s.test().histories()));
        assertArrayEquals(calibrated.score(new int[] {0, 5}, new int[] {1, 2}),
                ((XDeepFm) CrmCatalog.load(file)).score(new int[] {0, 5}, new int[] {1, 2}));
        assertThrows(org.tandemrec.train.CheckpointException.class, () -> AutoInt.load(file));

        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> out = model.intermediates(m, new int[] {1, 2}, new int[] {3, 4});
            assertEquals(List.of("cin_0", "cin_1", "deep_out", "logit"), List.copyOf(out.keySet()));
            assertEquals(new Shape(2, 16 * 8), out.get("cin_1").getShape());
            assertEquals(new Shape(2, 16), out.get("deep_out").getShape());
        }
    }

    @Test
    void configNamesTheBadField() {
        var e = assertThrows(IllegalArgumentException.class, () -> new XDeepFmConfig(16, List.of(), List.of(), 20, 0.05));
        assertEquals("cinLayers must hold at least one size", e.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> new XDeepFmConfig(16, List.of(8), List.of(), 0, 0.05));
        assertEquals("historyLength must be > 0, got 0", d.getMessage());
    }
}
