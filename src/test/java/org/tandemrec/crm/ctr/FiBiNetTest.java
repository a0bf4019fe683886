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
import static org.tandemrec.crm.ctr.CtrReference.matrix;
import static org.tandemrec.crm.ctr.CtrReference.relu;
import static org.tandemrec.crm.ctr.CtrReference.times;
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

class FiBiNetTest {
    static {
        CtrTestData.useOneEngineThread();
    }

    private static FiBiNetConfig tiny(List<Integer> deep) {
        return new FiBiNetConfig(3, 2, deep, HISTORY, 0.1);
    }

    @Test
    void forwardMatchesThePapersEquationsComputedInPlainJava() {
        // The expected logits are computed below by plain Java loops from Huang et al. 2019 (SENET
        // squeeze, excitation and re-weighting, field-all bilinear interaction, combination and
        // output) on the same fixed weights: k = 3, F = 5 fields, reduction ratio 2 (excitation
        // width 2); with and without the DNN.
        CtrFeatures f = CtrReference.tinyFeatures();
        for (List<Integer> deep : List.of(List.of(4, 3), List.<Integer>of())) {
            FiBiNetConfig c = tiny(deep);
            ParameterSet p = FiBiNetNetwork.initialise(f, c, new SplittableRandom(1));
            CtrReference.fixWeights(p);
            float[] got = CtrReference.logits((s, u, i, h) -> FiBiNetNetwork.forward(s, p, c, f, u, i, h));
            for (int b = 0; b < USERS.length; b++) {
                assertEquals(expectedLogit(p, c, f, b), got[b], 1e-5, "example " + b + " with DNN " + deep);
            }
        }
    }

    private static double expectedLogit(ParameterSet p, FiBiNetConfig c, CtrFeatures f, int b) {
        double[][] e = CtrReference.fields(p, "emb_", f, c.embeddingDim(), c.historyLength(), USERS[b], ITEMS[b],
                HISTORIES[b]);
        int fields = e.length;
        int k = c.embeddingDim();
        // SENET: squeeze by mean pooling, A = ReLU(W_2 ReLU(W_1 z)), v_i = a_i e_i.
        double[] z = new double[fields];
        for (int i = 0; i < fields; i++) {
            for (int t = 0; t < k; t++) {
                z[i] += e[i][t] / k;
            }
        }
        double[] hidden = times(z, matrix(p, "senet_w1"));
        for (int j = 0; j < hidden.length; j++) {
            hidden[j] = relu(hidden[j]);
        }
        double[] a = times(hidden, matrix(p, "senet_w2"));
        double[][] v = new double[fields][k];
        for (int i = 0; i < fields; i++) {
            a[i] = relu(a[i]);
            for (int t = 0; t < k; t++) {
                v[i][t] = a[i] * e[i][t];
            }
        }
        // Bilinear, field-all: p_ij = (v_i · W) ⊙ v_j for i < j, on E with W and on V with W'; c = [p, q].
        int pairs = fields * (fields - 1) / 2;
        double[] combined = new double[2 * pairs * k];
        int o = 0;
        for (int which = 0; which < 2; which++) {
            double[][] x = which == 0 ? e : v;
            double[][] w = matrix(p, which == 0 ? "bilinear_w" : "bilinear_senet_w");
            for (int i = 0; i < fields; i++) {
                for (int j = i + 1; j < fields; j++) {
                    double[] left = times(x[i], w);
                    for (int t = 0; t < k; t++) {
                        combined[o++] = left[t] * x[j][t];
                    }
                }
            }
        }
        // Output: ŷ = w_0 + Σ_i w_i x_i + y_d, y_d the DNN's output unit on c.
        double[] h = CtrReference.mlp(p, "deep", c.deepLayers().size(), combined);
        return dot(h, vector(p, "out_w"), 0) + vector(p, "out_b")[0]
                + CtrReference.linearTerm(p, f, c.historyLength(), USERS[b], ITEMS[b], HISTORIES[b]);
    }

    @Test
    void gradientsReachEveryParameter() {
        CtrFeatures f = CtrReference.tinyFeatures();
        FiBiNetConfig c = tiny(List.of(4));
        ParameterSet p = FiBiNetNetwork.initialise(f, c, new SplittableRandom(2));
        CtrReference.assertEveryGradientNonZero(p, (s, u, i, h) -> FiBiNetNetwork.forward(s, p, c, f, u, i, h));
    }

    @Test
    void learnsSyntheticClickRuleAndRoundTrips(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        FiBiNet model = FiBiNet.fit(s.features(), s.train(), s.latest(), new FiBiNetConfig(8, 3, List.of(32, 16), 5, 0.05),
                CtrTestData.shortTraining(), TrainHooks.none(), null);
        double auc = CtrTestData.testAuc(model, s);
        double pop = CtrTestData.popularityAuc(s);
        // The rule is a user-profile × category interaction; 10% noise caps AUC near 0.9.
        assertTrue(auc > 0.75 && auc > pop + 0.1, "test AUC " + auc + ", popularity " + pop);

        FiBiNet calibrated = model.withCalibration(new PlattScaling(0.8, 0.1));
        Path file = dir.resolve("fibinet.bin");
        calibrated.save(file);
        FiBiNet back = FiBiNet.load(file);
        assertEquals(calibrated.calibration(), back.calibration());
        assertArrayEquals(calibrated.scoreExamples(s.test().users(), s.test().items(), s.test().histories()),
                back.scoreExamples(s.test().users(), s.test().items(), s.test().histories()));
        assertArrayEquals(calibrated.score(new int[] {0, 5}, new int[] {1, 2}),
                ((FiBiNet) CrmCatalog.load(file)).score(new int[] {0, 5}, new int[] {1, 2}));
        assertThrows(org.tandemrec.train.CheckpointException.class, () -> XDeepFm.load(file));

        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> out = model.intermediates(m, new int[] {1, 2}, new int[] {3, 4});
            assertEquals(List.of("senet_weights", "bilinear", "deep_out", "logit"), List.copyOf(out.keySet()));
            // F = 6 fields: 15 pairs of 8, for E and for the SENET embeddings.
            assertEquals(new Shape(2, 6), out.get("senet_weights").getShape());
            assertEquals(new Shape(2, 2 * 15 * 8), out.get("bilinear").getShape());
        }
    }

    @Test
    void configNamesTheBadField() {
        var e = assertThrows(IllegalArgumentException.class, () -> new FiBiNetConfig(16, 0, List.of(), 20, 0.05));
        assertEquals("reductionRatio must be > 0, got 0", e.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> new FiBiNetConfig(16, 3, List.of(), 20, 0));
        assertEquals("initStd must be > 0 and finite, got 0.0", d.getMessage());
    }
}
