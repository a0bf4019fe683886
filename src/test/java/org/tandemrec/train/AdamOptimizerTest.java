package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adam variants against the update written out by hand (double precision, formula in each test). */
class AdamOptimizerTest {
    private static final double LR = 0.01;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double WD = 0.1;

    /**
     * Reference Adam in double, steps t = 1..:
     *   g' = g + wd·p (coupled, Adam) or p ← p(1 − lr·wd) (decoupled, AdamW)
     *   m = β1 m + (1−β1) g',  v = β2 v + (1−β2) g'²
     *   p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
     */
    private static void referenceStep(double[] p, double[] g, double[] m, double[] v, int t, boolean decoupled) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            if (decoupled) {
                p[i] *= 1 - LR * WD;
            } else {
                gi += WD * p[i];
            }
            m[i] = B1 * m[i] + (1 - B1) * gi;
            v[i] = B2 * v[i] + (1 - B2) * gi * gi;
            double mHat = m[i] / (1 - Math.pow(B1, t));
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
            p[i] -= LR * mHat / denom;
        }
    }

    private void checkAgainstReference(TrainConfig.OptimizerKind kind, boolean decoupled) {
        SplittableRandom r = new SplittableRandom(7);
        int n = 6;
        float[] w = new float[n];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
            ref[i] = w[i];
        }
        Parameter p = Parameter.dense("w", 1, n, w);
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), kind, B1, B2, EPS, WD);
        double[] m = new double[n];
        double[] v = new double[n];
        for (int t = 1; t <= 5; t++) {
            p.zeroGrad();
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                p.grad()[i] = (float) r.nextGaussian();
                g[i] = p.grad()[i];
            }
            opt.step(LR);
            referenceStep(ref, g, m, v, t, decoupled);
            for (int i = 0; i < n; i++) {
                assertEquals(ref[i], w[i], 1e-6, kind + " step " + t + " index " + i);
            }
        }
    }

    @Test
    void adamMatchesHandComputedUpdate() {
        checkAgainstReference(TrainConfig.OptimizerKind.ADAM, false);
    }

    @Test
    void adamWMatchesHandComputedUpdate() {
        checkAgainstReference(TrainConfig.OptimizerKind.ADAMW, true);
    }

    @Test
    void firstAdamStepMovesEachWeightByLearningRate() {
        // At t=1 without decay, m̂ = g and √v̂ = |g|, so the step is lr·g/(|g|+ε) ≈ lr·sign(g).
        float[] w = {1f, -2f, 0.5f};
        Parameter p = Parameter.dense("w", 1, 3, w);
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), TrainConfig.OptimizerKind.ADAM, B1, B2, EPS, 0);
        p.grad()[0] = 3f;
        p.grad()[1] = -0.25f;
        p.grad()[2] = 0f;
        opt.step(0.1);
        assertEquals(0.9, w[0], 1e-6);
        assertEquals(-1.9, w[1], 1e-6);
        assertEquals(0.5, w[2], 0);
    }

    @Test
    void lazyAdamEqualsDenseAdamOnTouchedRowsForOneStep() {
        int rows = 40;
        int cols = 5;
        SplittableRandom r = new SplittableRandom(3);
        float[] init = new float[rows * cols];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) r.nextGaussian();
        }
        Parameter lazy = Parameter.table("e", rows, cols, init.clone());
        Parameter dense = Parameter.table("e", rows, cols, init.clone());
        AdamOptimizer lazyOpt = new AdamOptimizer(ParameterSet.of(lazy), TrainConfig.OptimizerKind.LAZY_ADAM, B1, B2, EPS, WD);
        AdamOptimizer denseOpt = new AdamOptimizer(ParameterSet.of(dense), TrainConfig.OptimizerKind.ADAMW, B1, B2, EPS, WD);
        int[] touched = {3, 17, 3, 39};
        float[] g = new float[cols];
        for (int row : touched) {
            for (int j = 0; j < cols; j++) {
                g[j] = (float) r.nextGaussian();
            }
            lazy.addRowGrad(row, g, 0, 1f);
            dense.addRowGrad(row, g, 0, 1f);
        }
        lazyOpt.step(LR);
        denseOpt.step(LR);
        for (int row = 0; row < rows; row++) {
            boolean hit = row == 3 || row == 17 || row == 39;
            for (int j = 0; j < cols; j++) {
                int i = row * cols + j;
                if (hit) {
                    assertEquals(dense.value()[i], lazy.value()[i], 1e-7, "touched row " + row);
                } else {
                    // lazy: untouched rows unchanged; dense AdamW still decays them (g = 0 → m = 0, no step)
                    assertEquals(init[i], lazy.value()[i], 0, "untouched row " + row);
                    assertEquals(init[i] * (1 - LR * WD), dense.value()[i], 1e-6);
                }
            }
        }
    }

    @Test
    void lazyAdamLeavesMomentsOfUntouchedRowsAlone() {
        // Row 0 touched at steps 1 and 3 only: its second update must use m, v from step 1
        // without decay at step 2, and the global bias correction of t = 3 (SparseAdam semantics).
        Parameter p = Parameter.table("e", 2, 1, new float[] {0f, 0f});
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), TrainConfig.OptimizerKind.LAZY_ADAM, B1, B2, EPS, 0);
        p.addRowGrad(0, new float[] {1f}, 0, 1f);
        opt.step(LR);
        p.zeroGrad();
        p.addRowGrad(1, new float[] {1f}, 0, 1f);
        opt.step(LR);
        p.zeroGrad();
        p.addRowGrad(0, new float[] {2f}, 0, 1f);
        opt.step(LR);
        double m1 = (1 - B1) * 1;
        double v1 = (1 - B2) * 1;
        double after1 = -LR * (m1 / (1 - B1)) / (Math.sqrt(v1) / Math.sqrt(1 - B2) + EPS);
        double m3 = B1 * m1 + (1 - B1) * 2;
        double v3 = B2 * v1 + (1 - B2) * 4;
        double after3 = after1 - LR / (1 - Math.pow(B1, 3)) * m3 / (Math.sqrt(v3) / Math.sqrt(1 - Math.pow(B2, 3)) + EPS);
        assertEquals(after3, p.value()[0], 1e-6);
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        Parameter a = Parameter.dense("a", 1, 2, new float[2]);
        Parameter t = Parameter.table("t", 3, 1, new float[3]);
        a.grad()[0] = 3f;
        a.grad()[1] = 0f;
        t.addRowGrad(2, new float[] {4f}, 0, 1f);
        double norm = GradientClipping.clip(ParameterSet.of(a, t), 1.0);
        assertEquals(5.0, norm, 1e-9);
        assertEquals(3 / (5 + 1e-6), a.grad()[0], 1e-6);
        assertEquals(4 / (5 + 1e-6), t.slotGrad()[t.gradSlot(2)], 1e-6);
    }

    @Test
    void schedulesFollowTheirFormulas() {
        var lin = new LearningRateSchedule(TrainConfig.ScheduleKind.WARMUP_LINEAR, 1.0, 10, 110);
        assertEquals(0.0, lin.at(0), 0);
        assertEquals(0.5, lin.at(5), 1e-12);
        assertEquals(1.0, lin.at(10), 1e-12);
        assertEquals(0.5, lin.at(60), 1e-12);
        var cos = new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, 2.0, 0, 100);
        assertEquals(2.0, cos.at(0), 1e-12);
        assertEquals(1.0, cos.at(50), 1e-12);
        assertEquals(0.0, cos.at(100), 1e-12);
        var con = new LearningRateSchedule(TrainConfig.ScheduleKind.CONSTANT, 0.3, 4, 100);
        assertEquals(0.15, con.at(2), 1e-12);
        assertEquals(0.3, con.at(99), 1e-12);
    }

    @Test
    void configNamesTheBadField() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().epochs(0).build());
        assertEquals("epochs must be > 0, got 0", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().betas(1.0, 0.9).build());
        assertEquals("beta1 must be in [0, 1), got 1.0", e.getMessage());
    }
}
