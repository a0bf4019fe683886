package org.tandemrec.collab.bdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.crm.SyntheticClusters;
import org.tandemrec.crm.cf.Ncf;
import org.tandemrec.crm.cf.NcfConfig;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;

class FeatureEnhancedCrmTest {
    private static float[][] gaussian(int n, int d, SplittableRandom r) {
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (0.5 * r.nextGaussian());
            }
        }
        return out;
    }

    private static DrsExamples examples(int n, int users, int items, int h, SplittableRandom r) {
        int[] us = new int[n];
        int[] is = new int[n];
        float[] y = new float[n];
        float[] f = new float[n * h];
        for (int k = 0; k < n; k++) {
            us[k] = r.nextInt(users);
            is[k] = r.nextInt(items);
            y[k] = r.nextInt(2);
            for (int j = 0; j < h; j++) {
                f[k * h + j] = (float) r.nextGaussian();
            }
        }
        return new DrsExamples(us, is, y, f, h);
    }

    /** The written-out backward pass against central differences of the loss, every parameter entry. */
    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initial(gaussian(4, 3, r), gaussian(5, 3, r), 2, 4, 9);
        checkGradients(net, examples(6, 4, 5, 2, r), r);
    }

    /** The same with the CRM's score as an input (a NeuMF trained on a small world): c gets g · s(u, i). */
    @Test
    void gradientsMatchFiniteDifferencesWithTheCrmScoreAsInput() {
        Ncf neuMf = neuMf(new SyntheticClusters(12, 10, 2, 4, 5), 2);
        SplittableRandom r = new SplittableRandom(4);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initialOnScores(gaussian(neuMf.numUsers(), 3, r),
                gaussian(neuMf.numItems(), 3, r), 2, 4, neuMf, 9);
        net.parameters().get("drs.crm_weight").value()[0] = 0.7f;
        checkGradients(net, examples(6, neuMf.numUsers(), neuMf.numItems(), 2, r), r);
    }

    /** A NeuMF of size 4 trained on the world for a few epochs: a CRM whose score is not an inner product. */
    private static Ncf neuMf(SyntheticClusters world, int epochs) {
        return Ncf.fit(world.train, NcfConfig.neuMf(4), TrainConfig.builder().epochs(epochs).batchSize(16)
                .learningRate(0.01).seed(1).build(), TrainHooks.none(), null);
    }

    private static void checkGradients(FeatureEnhancedCrm net, DrsExamples x, SplittableRandom r) {
        // larger hidden weights than the initial ones, so the check exercises the MLP path
        for (float[] v : new float[][] {net.parameters().get("drs.w1").value(), net.parameters().get("drs.w2").value()}) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextGaussian();
            }
        }
        int[] rows = {0, 1, 2, 3, 4, 5};
        net.parameters().zeroGrad();
        net.accumulateGradients(x, rows);
        for (Parameter p : net.parameters().list()) {
            float[] v = p.value();
            for (int k = 0; k < v.length; k++) {
                float old = v[k];
                double eps = 1e-2;
                v[k] = (float) (old + eps);
                double up = loss(net, x, rows);
                v[k] = (float) (old - eps);
                double down = loss(net, x, rows);
                v[k] = old;
                double numeric = (up - down) / (2 * eps);
                double analytic = gradient(p, k);
                assertEquals(numeric, analytic, 2e-3 + 2e-2 * Math.abs(numeric), p.name() + "[" + k + "]");
            }
        }
    }

    private static double loss(FeatureEnhancedCrm net, DrsExamples x, int[] rows) {
        double s = 0;
        float[] p = net.predict(x);
        for (int n : rows) {
            s -= x.labels()[n] > 0 ? Math.log(p[n]) : Math.log(1 - p[n]);
        }
        return s / rows.length;
    }

    private static double gradient(Parameter p, int k) {
        if (!p.rowSparse()) {
            return p.grad()[k];
        }
        int row = k / p.cols();
        for (int s = 0; s < p.touchedCount(); s++) {
            if (p.touchedRow(s) == row) {
                return p.slotGrad()[s * p.cols() + k % p.cols()];
            }
        }
        return 0;
    }

    /** Starts at the CRM's ranking: with the hidden layer at zero the score is σ(⟨e_u, e_i⟩). */
    @Test
    void startsFromTheCrmScore() {
        SplittableRandom r = new SplittableRandom(5);
        float[][] u = gaussian(3, 4, r);
        float[][] i = gaussian(2, 4, r);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initial(u, i, 3, 8, 1);
        java.util.Arrays.fill(net.parameters().get("drs.w2").value(), 0f);
        DrsExamples x = examples(5, 3, 2, 3, r);
        float[] p = net.predict(x);
        for (int n = 0; n < p.length; n++) {
            double dot = 0;
            for (int j = 0; j < 4; j++) {
                dot += u[x.users()[n]][j] * i[x.items()[n]][j];
            }
            assertEquals(1 / (1 + Math.exp(-dot)), p[n], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> net.predict(examples(2, 3, 2, 5, r)));
    }

    /**
     * The feature carries what the CRM lacks: labels decided by the sign of the first feature
     * value alone are learned to near-perfect accuracy, starting from CRM vectors that know nothing.
     */
    @Test
    void learnsWhatTheFeatureSays() {
        SplittableRandom r = new SplittableRandom(8);
        DrsExamples raw = examples(2000, 20, 30, 4, r);
        float[] y = new float[raw.size()];
        for (int n = 0; n < y.length; n++) {
            y[n] = raw.features()[n * 4] > 0 ? 1 : 0;
        }
        DrsExamples x = new DrsExamples(raw.users(), raw.items(), y, raw.features(), 4);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initial(gaussian(20, 8, r), gaussian(30, 8, r), 4, 16, 2);
        new Trainer(TrainConfig.builder().epochs(20).batchSize(64).learningRate(1e-2)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).build()).fit(new DrsTask("drs", net, x), TrainHooks.none());
        float[] p = net.predict(x);
        int right = 0;
        for (int n = 0; n < p.length; n++) {
            right += (p[n] > 0.5f) == (y[n] > 0) ? 1 : 0;
        }
        assertTrue(right > 0.95 * p.length, "accuracy " + right / (double) p.length);
    }

    /** A saved network reloads to the same predictions; another file is refused. */
    @Test
    void saveAndLoadKeepThePredictions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(12);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initial(gaussian(6, 4, r), gaussian(7, 4, r), 3, 5, 0.5, 3);
        for (float[] v : new float[][] {net.parameters().get("drs.w1").value(), net.parameters().get("drs.b2").value()}) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextGaussian();
            }
        }
        java.nio.file.Path file = dir.resolve("drs.safetensors");
        net.save(file);
        FeatureEnhancedCrm back = FeatureEnhancedCrm.load(file);
        DrsExamples x = examples(9, 6, 7, 3, r);
        org.junit.jupiter.api.Assertions.assertArrayEquals(net.predict(x), back.predict(x));
        java.nio.file.Files.write(dir.resolve("other.safetensors"), java.nio.file.Files.readAllBytes(file));
        org.tandemrec.llm.safetensors.SafetensorsWriter.write(dir.resolve("other.safetensors"), java.util.Map.of("x",
                new org.tandemrec.llm.safetensors.SafetensorsWriter.Tensor(new long[] {1}, new float[] {1})), java.util.Map.of());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> FeatureEnhancedCrm.load(dir.resolve("other.safetensors")));
        assertTrue(e.getMessage().contains("not a tandem-bdlm-drs v1 or v2 model"), e.getMessage());
    }

    /**
     * A network that reads its CRM's score saves the CRM's kind and reloads, with that CRM, to the
     * same predictions; without it, or with another kind, it is refused; it starts from the CRM's
     * own probabilities (with the hidden layer's output at zero).
     */
    @Test
    void aNetworkOnTheCrmScoreStartsFromItAndNeedsItToLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SyntheticClusters world = new SyntheticClusters(30, 20, 3, 5, 6);
        Ncf neuMf = neuMf(world, 3);
        SplittableRandom r = new SplittableRandom(13);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initialOnScores(gaussian(neuMf.numUsers(), 5, r),
                gaussian(neuMf.numItems(), 5, r), 3, 6, neuMf, 4);
        assertTrue(net.readsCrmScore());
        DrsExamples x = examples(40, neuMf.numUsers(), neuMf.numItems(), 3, r);
        java.util.Arrays.fill(net.parameters().get("drs.w2").value(), 0f);
        float[] p = net.predict(x);
        float[] own = neuMf.score(x.users(), x.items());
        for (int n = 0; n < p.length; n++) {
            assertEquals(own[n], p[n], 1e-5, "pair " + n);
        }
        for (float[] v : new float[][] {net.parameters().get("drs.w2").value(),
                net.parameters().get(FeatureEnhancedCrm.SCORE_WEIGHT).value()}) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextGaussian();
            }
        }
        java.nio.file.Path file = dir.resolve("drs.safetensors");
        net.save(file);
        org.junit.jupiter.api.Assertions.assertArrayEquals(net.predict(x), FeatureEnhancedCrm.load(file, neuMf).predict(x));
        DataFormatException none = assertThrows(DataFormatException.class, () -> FeatureEnhancedCrm.load(file));
        assertTrue(none.getMessage().contains("reads the score of a ncf model"), none.getMessage());
        org.tandemrec.crm.Recommender pop = org.tandemrec.crm.cf.PopularityRecommender.fit(world.train);
        DataFormatException other = assertThrows(DataFormatException.class, () -> FeatureEnhancedCrm.load(file, pop));
        assertTrue(other.getMessage().contains("(given: " + pop.kind() + ")"), other.getMessage());
    }

    /** A v1 file (before the CRM score input) loads with c = 0 and predicts as it did. */
    @Test
    void aVersionOneFileStillLoads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(21);
        FeatureEnhancedCrm net = FeatureEnhancedCrm.initial(gaussian(5, 3, r), gaussian(4, 3, r), 2, 3, 0.8, 1);
        java.util.Map<String, org.tandemrec.llm.safetensors.SafetensorsWriter.Tensor> tensors = new java.util.LinkedHashMap<>();
        for (Parameter p : net.parameters().list()) {
            if (!p.name().equals(FeatureEnhancedCrm.SCORE_WEIGHT)) {
                tensors.put(p.name(), new org.tandemrec.llm.safetensors.SafetensorsWriter.Tensor(
                        new long[] {p.rows(), p.cols()}, p.copyValues()));
            }
        }
        java.nio.file.Path file = dir.resolve("v1.safetensors");
        org.tandemrec.llm.safetensors.SafetensorsWriter.write(file, tensors, java.util.Map.of("format",
                FeatureEnhancedCrm.FORMAT, "format_version", "1", "dim", "3", "feature_size", "2", "hidden", "3"));
        DrsExamples x = examples(7, 5, 4, 2, r);
        org.junit.jupiter.api.Assertions.assertArrayEquals(net.predict(x), FeatureEnhancedCrm.load(file).predict(x));
    }
}
