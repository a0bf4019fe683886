package org.tandemrec.crm.cf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.base.RowParallel;
import org.tandemrec.crm.SyntheticClusters;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TrainingTask;

/**
 * The hand-written backward passes against central finite differences of the loss:
 * ∂L/∂w ≈ (L(w+h) − L(w−h)) / 2h, with the same negatives (same random stream) on both sides.
 */
class GradientCheckTest {
    private static final SyntheticClusters WORLD = new SyntheticClusters(30, 20, 3, 5, 8);
    private static final int[] BATCH = {0, 7, 19, 42, 77};

    static void check(TrainingTask task, int samplesPerParam) {
        check(task, samplesPerParam, 1e-2);
    }

    static void check(TrainingTask task, int samplesPerParam, double h) {
        task.parameters().zeroGrad();
        // Each evaluation passes a new step number so that LightGCN re-propagates (refreshEvery 1);
        // the random stream, hence the negatives, is the same every time.
        long step = 0;
        task.trainBatch(BATCH, step++, new SplittableRandom(5));
        SplittableRandom pick = new SplittableRandom(1);
        java.util.List<float[]> grads = new java.util.ArrayList<>();
        for (Parameter p : task.parameters().list()) {
            float[] analytic = new float[p.value().length];
            if (p.rowSparse()) {
                for (int s = 0; s < p.touchedCount(); s++) {
                    System.arraycopy(p.slotGrad(), s * p.cols(), analytic, p.touchedRow(s) * p.cols(), p.cols());
                }
            } else {
                System.arraycopy(p.grad(), 0, analytic, 0, analytic.length);
            }
            grads.add(analytic);
        }
        for (int k = 0; k < grads.size(); k++) {
            Parameter p = task.parameters().list().get(k);
            float[] analytic = grads.get(k);
            for (int t = 0; t < samplesPerParam; t++) {
                // half of the probes on entries with a non-zero gradient, so that they are not all trivial
                int idx = pick.nextInt(analytic.length);
                if (t % 2 == 0) {
                    for (int tries = 0; tries < 50 && analytic[idx] == 0f; tries++) {
                        idx = pick.nextInt(analytic.length);
                    }
                }
                float orig = p.value()[idx];
                p.value()[idx] = (float) (orig + h);
                double plus = task.trainBatch(BATCH, step++, new SplittableRandom(5));
                p.value()[idx] = (float) (orig - h);
                double minus = task.trainBatch(BATCH, step++, new SplittableRandom(5));
                p.value()[idx] = orig;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, analytic[idx], 2e-3 + 0.03 * Math.abs(numeric),
                        task.modelName() + " " + p.name() + "[" + idx + "]");
            }
        }
    }

    @Test
    void lightGcnBackwardMatchesFiniteDifferences() {
        try (RowParallel parallel = new RowParallel(1)) {
            check(LightGcn.trainingTask(WORLD.train, new LightGcnConfig(4, 2, 1e-2, 0.5, 1), 3, parallel), 12);
        }
    }

    @Test
    void neuMfBackwardMatchesFiniteDifferences() {
        NcfConfig c = new NcfConfig(NcfConfig.Variant.NEUMF, 3, java.util.List.of(6, 4, 3), 2, 1e-2, 0.5);
        check(Ncf.trainingTask(WORLD.train, c, 4), 10);
    }

    @Test
    void mfBackwardMatchesFiniteDifferences() {
        check(MatrixFactorization.trainingTask(WORLD.train, new MfConfig(3, MfConfig.Loss.BPR, 1, 1e-2, 0.5), 2), 8);
        check(MatrixFactorization.trainingTask(WORLD.train, new MfConfig(3, MfConfig.Loss.BCE, 3, 1e-2, 0.5), 2), 8);
    }
}
