package org.tandemrec.collab.bdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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
        // larger hidden weights than the initial ones, so the check exercises the MLP path
        for (float[] v : new float[][] {net.parameters().get("drs.w1").value(), net.parameters().get("drs.w2").value()}) {
            for (int k = 0; k < v.length; k++) {
                v[k] = (float) r.nextGaussian();
            }
        }
        DrsExamples x = examples(6, 4, 5, 2, r);
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
        assertTrue(e.getMessage().contains("not a tandem-bdlm-drs v1 model"), e.getMessage());
    }
}
