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

class AutoIntTest {
    static {
        CtrTestData.useOneEngineThread();
    }

    private static AutoIntConfig tiny(List<Integer> deep) {
        return new AutoIntConfig(3, 2, 2, 2, deep, HISTORY, 0.1);
    }

    @Test
    void forwardMatchesThePapersEquationsComputedInPlainJava() {
        // The expected logits are computed below by plain Java loops from Song et al. 2019 (the
        // interacting layer of §4.3 and the output layer), on the same fixed weights: d = 3, 2 layers of 2 heads of size 2, F = 5 fields;
        // once plain, once with AutoInt+'s DNN.
        CtrFeatures f = CtrReference.tinyFeatures();
        for (List<Integer> deep : List.of(List.<Integer>of(), List.of(4))) {
            AutoIntConfig c = tiny(deep);
            ParameterSet p = AutoIntNetwork.initialise(f, c, new SplittableRandom(1));
            CtrReference.fixWeights(p);
            float[] got = CtrReference.logits((s, u, i, h) -> AutoIntNetwork.forward(s, p, c, f, u, i, h));
            for (int b = 0; b < USERS.length; b++) {
                assertEquals(expectedLogit(p, c, f, b), got[b], 1e-5, "example " + b + " with DNN " + deep);
            }
        }
    }

    private static double expectedLogit(ParameterSet p, AutoIntConfig c, CtrFeatures f, int b) {
        double[][] e = CtrReference.fields(p, "emb_", f, c.embeddingDim(), c.historyLength(), USERS[b], ITEMS[b],
                HISTORIES[b]);
        int fields = e.length;
        int heads = c.heads();
        int a = c.attentionSize();
        double[][] x = e;
        for (int l = 0; l < c.layers(); l++) {
            double[][] q = new double[fields][];
            double[][] k = new double[fields][];
            double[][] v = new double[fields][];
            for (int m = 0; m < fields; m++) {
                q[m] = times(x[m], matrix(p, "att_" + l + "_q"));
                k[m] = times(x[m], matrix(p, "att_" + l + "_k"));
                v[m] = times(x[m], matrix(p, "att_" + l + "_v"));
            }
            double[][] next = new double[fields][heads * a];
            for (int m = 0; m < fields; m++) {
                for (int h = 0; h < heads; h++) {
                    // α_{m,k} = softmax over k of <W_Q e_m, W_K e_k>, unscaled.
                    double[] w = new double[fields];
                    double sum = 0;
                    for (int j = 0; j < fields; j++) {
                        double score = 0;
                        for (int t = 0; t < a; t++) {
                            score += q[m][h * a + t] * k[j][h * a + t];
                        }
                        w[j] = Math.exp(score);
                        sum += w[j];
                    }
                    // The attention-weighted values, heads side by side.
                    for (int j = 0; j < fields; j++) {
                        for (int t = 0; t < a; t++) {
                            next[m][h * a + t] += w[j] / sum * v[j][h * a + t];
                        }
                    }
                }
                // Residual: ReLU(ẽ_m + W_Res e_m).
                double[] res = times(x[m], matrix(p, "att_" + l + "_res"));
                for (int t = 0; t < heads * a; t++) {
                    next[m][t] = relu(next[m][t] + res[t]);
                }
            }
            x = next;
        }
        // Output: w^T [e_1^Res, ..., e_F^Res] + b (plus the DNN's output for AutoInt+).
        double[] head = flat(x);
        double[] w = vector(p, "out_w");
        double z = dot(head, w, 0) + vector(p, "out_b")[0];
        if (!c.deepLayers().isEmpty()) {
            z += dot(CtrReference.mlp(p, "deep", c.deepLayers().size(), flat(e)), w, head.length);
        }
        return z;
    }

    @Test
    void gradientsReachEveryParameter() {
        CtrFeatures f = CtrReference.tinyFeatures();
        AutoIntConfig c = tiny(List.of(4));
        ParameterSet p = AutoIntNetwork.initialise(f, c, new SplittableRandom(2));
        CtrReference.assertEveryGradientNonZero(p, (s, u, i, h) -> AutoIntNetwork.forward(s, p, c, f, u, i, h));
    }

    @Test
    void learnsSyntheticClickRuleAndRoundTrips(@TempDir Path dir) {
        CtrTestData.Synthetic s = CtrTestData.synthetic();
        AutoInt model = AutoInt.fit(s.features(), s.train(), s.latest(), new AutoIntConfig(8, 2, 2, 8, List.of(), 5, 0.05),
                CtrTestData.shortTraining(), TrainHooks.none(), null);
        double auc = CtrTestData.testAuc(model, s);
        double pop = CtrTestData.popularityAuc(s);
        // The rule is a user-profile × category interaction; 10% noise caps AUC near 0.9.
        assertTrue(auc > 0.75 && auc > pop + 0.1, "test AUC " + auc + ", popularity " + pop);

        AutoInt calibrated = model.withCalibration(new PlattScaling(0.8, 0.1));
        Path file = dir.resolve("autoint.bin");
        calibrated.save(file);
        AutoInt back = AutoInt.load(file);
        assertEquals(calibrated.calibration(), back.calibration());
        assertArrayEquals(calibrated.scoreExamples(s.test().users(), s.test().items(), s.test().histories()),
                back.scoreExamples(s.test().users(), s.test().items(), s.test().histories()));
        assertArrayEquals(calibrated.score(new int[] {0, 5}, new int[] {1, 2}),
                ((AutoInt) CrmCatalog.load(file)).score(new int[] {0, 5}, new int[] {1, 2}));
        assertThrows(org.tandemrec.train.CheckpointException.class, () -> DcnV2.load(file));

        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> out = model.intermediates(m, new int[] {1, 2}, new int[] {3, 4});
            assertEquals(List.of("attention_0", "attention_1", "logit"), List.copyOf(out.keySet()));
            // F = 6 fields (user, item, category, 2 profile fields, history) of 2 heads × 8.
            assertEquals(new Shape(2, 6 * 16), out.get("attention_1").getShape());
            assertEquals(new Shape(2, 1), out.get("logit").getShape());
        }
    }

    @Test
    void configNamesTheBadField() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AutoIntConfig(16, 3, 0, 32, List.of(), 20, 0.05));
        assertEquals("heads must be > 0, got 0", e.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> new AutoIntConfig(16, 3, 2, 32, List.of(8, -1), 20, 0.05));
        assertEquals("deepLayers[1] must be > 0, got -1", d.getMessage());
    }
}
