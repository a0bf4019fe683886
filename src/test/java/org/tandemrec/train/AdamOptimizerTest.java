package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Adam variants against the update written out by hand (double precision, formula in each test),
 * and native tensor parameters against the Java-array arithmetic.
 */
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

    /**
     * The float arithmetic the optimiser has always done, one element at a time in this order
     * (PyTorch's): the blocked, vectorised update must give the same bits.
     */
    private static void floatStep(float[] w, int wOff, float[] g, int gOff, float[] m, float[] v, int len, double lr,
                                  long t, boolean coupled) {
        float ss = (float) (lr / (1 - Math.pow(B1, t)));
        float bc = (float) Math.sqrt(1 - Math.pow(B2, t));
        float decay = (float) (1 - lr * WD);
        for (int j = 0; j < len; j++) {
            int i = wOff + j;
            float gi = g[gOff + j];
            if (coupled) {
                gi += (float) WD * w[i];
            } else {
                w[i] *= decay;
            }
            float mi = (float) B1 * m[i] + (float) (1 - B1) * gi;
            float vi = (float) B2 * v[i] + (float) (1 - B2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= ss * mi / ((float) Math.sqrt(vi) / bc + (float) EPS);
        }
    }

    /**
     * A table over more rows than one block of the lazy update, with rows repeated within a step
     * (their gradients summed first) and rows left out: every step gives exactly the bits of the
     * element-by-element update, under each variant (ADAM and ADAMW update every row).
     */
    @ParameterizedTest
    @EnumSource(TrainConfig.OptimizerKind.class)
    void aTableStepGivesTheBitsOfTheElementwiseUpdate(TrainConfig.OptimizerKind kind) {
        int rows = 1400;
        int cols = 24;
        SplittableRandom r = new SplittableRandom(11);
        float[] init = gaussian(r, rows * cols);
        Parameter p = Parameter.table("e", rows, cols, init.clone());
        float[] w = init.clone();
        float[] m = new float[rows * cols];
        float[] v = new float[rows * cols];
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), kind, B1, B2, EPS, WD);
        boolean lazy = kind == TrainConfig.OptimizerKind.LAZY_ADAM;
        for (int t = 1; t <= 4; t++) {
            p.zeroGrad();
            float[] dense = new float[rows * cols];
            for (int k = 0; k < 1500; k++) {
                int row = r.nextInt(rows / 2) * 2; // odd rows never touched; many rows twice or more
                float[] g = gaussian(r, cols);
                p.addRowGrad(row, g, 0, 0.5f);
                for (int j = 0; j < cols; j++) {
                    dense[row * cols + j] += 0.5f * g[j];
                }
            }
            assertTrue(p.touchedCount() * cols > 8192, "more rows than one block");
            for (int row = 0; row < rows; row++) {
                if (!lazy || p.slotOf(row) >= 0) {
                    floatStep(w, row * cols, dense, row * cols, m, v, cols, LR, t, kind == TrainConfig.OptimizerKind.ADAM);
                }
            }
            opt.step(LR);
            assertArrayEquals(w, p.value(), 0f, kind + " step " + t);
            assertArrayEquals(m, opt.firstMoment(0), 0f);
            assertArrayEquals(v, opt.secondMoment(0), 0f);
        }
    }

    /** A dense parameter longer than the vector width, several steps: the bits of the element-wise update. */
    @ParameterizedTest
    @EnumSource(TrainConfig.OptimizerKind.class)
    void aDenseStepGivesTheBitsOfTheElementwiseUpdate(TrainConfig.OptimizerKind kind) {
        SplittableRandom r = new SplittableRandom(12);
        int n = 1037;
        float[] init = gaussian(r, n);
        Parameter p = Parameter.dense("w", 1, n, init.clone());
        float[] w = init.clone();
        float[] m = new float[n];
        float[] v = new float[n];
        AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), kind, B1, B2, EPS, WD);
        for (int t = 1; t <= 3; t++) {
            float[] g = gaussian(r, n);
            System.arraycopy(g, 0, p.grad(), 0, n);
            floatStep(w, 0, g, 0, m, v, n, LR, t, kind == TrainConfig.OptimizerKind.ADAM);
            opt.step(LR);
            assertArrayEquals(w, p.value(), 0f, kind + " step " + t);
        }
    }

    /**
     * A row-sparse tensor's touched rows, each with its own step count: the bits of the
     * element-wise update, whether the rows are updated in the tensor's memory (a contiguous
     * tensor) or gathered and scattered by tensor indexing (a transposed view, whose buffer
     * would be a copy).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aRowSparseTensorStepGivesTheBitsOfTheElementwiseUpdate(boolean transposedView) {
        int rows = 50;
        int cols = 20;
        SplittableRandom r = new SplittableRandom(13);
        float[] init = gaussian(r, rows * cols);
        float[] w = init.clone();
        float[] m = new float[rows * cols];
        float[] v = new float[rows * cols];
        long[] t = new long[rows];
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray table = transposedView
                    ? nd.create(transpose(init, rows, cols), new Shape(cols, rows)).transpose()
                    : nd.create(init.clone(), new Shape(rows, cols));
            assertArrayEquals(init, table.toFloatArray(), 0f);
            Parameter p = Parameter.rowSparseTensor("ids", table, 0);
            try (AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), TrainConfig.OptimizerKind.LAZY_ADAM, B1, B2, EPS, WD)) {
                assertEquals(!transposedView, opt.updatesInPlace(0));
                for (int step = 0; step < 4; step++) {
                    p.zeroGrad();
                    float[] dense = new float[rows * cols];
                    boolean[] hit = new boolean[rows];
                    for (int k = 0; k < 30; k++) {
                        int row = r.nextInt(rows);
                        float[] g = gaussian(r, cols);
                        p.addRowGrad(row, g, 0, 1f);
                        hit[row] = true;
                        for (int j = 0; j < cols; j++) {
                            dense[row * cols + j] += g[j];
                        }
                    }
                    for (int row = 0; row < rows; row++) {
                        if (hit[row]) {
                            floatStep(w, row * cols, dense, row * cols, m, v, cols, LR, ++t[row], false);
                        }
                    }
                    opt.step(LR);
                }
                assertArrayEquals(w, table.toFloatArray(), 0f);
                assertArrayEquals(v, opt.secondMoment(0), 0f);
            }
            p.zeroGrad();
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
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

    private static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * A dense CPU tensor is updated through its memory by one fused pass, in blocks shared by two
     * threads: the bits of the element-wise update, for a matrix training from a row on, a vector,
     * and a step without a gradient; a strided view (whose buffer would be a copy) keeps the tensor
     * operations, equal up to float rounding.
     */
    @ParameterizedTest
    @EnumSource(TrainConfig.OptimizerKind.class)
    void aDenseTensorUpdatedThroughItsMemoryGivesTheBitsOfTheElementwiseUpdate(TrainConfig.OptimizerKind kind) {
        SplittableRandom r = new SplittableRandom(21);
        int rows = 700;
        int cols = 96; // 67,200 floats: several blocks, cut into two threads' chunks
        int first = 3;
        float[] init = gaussian(r, rows * cols);
        float[] vecInit = gaussian(r, 40_000);
        boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
        try (NDManager nd = NDManager.newBaseManager()) {
            Parameter matrix = Parameter.tensor("m", nd.create(init.clone(), new Shape(rows, cols)), first);
            Parameter vector = Parameter.tensor("v", nd.create(vecInit.clone(), new Shape(40_000)), 0);
            Parameter strided = Parameter.tensor("s", nd.create(init.clone(), new Shape(cols, rows)).transpose(), 0);
            float[] w = init.clone();
            float[] mm = new float[rows * cols]; // floatStep indexes the moments as the weights
            float[] mv = new float[rows * cols];
            float[] wv = vecInit.clone();
            float[] vm = new float[40_000];
            float[] vv = new float[40_000];
            try (AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(matrix, vector), kind, B1, B2, EPS, WD, 2);
                 AdamOptimizer ops = new AdamOptimizer(ParameterSet.of(strided), kind, B1, B2, EPS, WD, 2)) {
                assertTrue(opt.updatesFused(0) && opt.updatesFused(1));
                assertTrue(!ops.updatesFused(0), "a transposed view's buffer is a copy");
                for (int t = 1; t <= 3; t++) {
                    float[] g = gaussian(r, (rows - first) * cols);
                    matrix.zeroGrad();
                    matrix.addGrad(nd.create(g, new Shape(rows - first, cols)));
                    floatStep(w, first * cols, g, 0, mm, mv, g.length, LR, t, coupled);
                    float[] firstM = java.util.Arrays.copyOfRange(mm, first * cols, rows * cols);
                    float[] secondM = java.util.Arrays.copyOfRange(mv, first * cols, rows * cols);
                    float[] gv = t == 2 ? new float[40_000] : gaussian(r, 40_000);
                    vector.zeroGrad();
                    if (t != 2) {
                        vector.addGrad(nd.create(gv, new Shape(40_000)));
                    }
                    floatStep(wv, 0, gv, 0, vm, vv, gv.length, LR, t, coupled);
                    opt.step(LR);
                    assertArrayEquals(w, matrix.tensor().toFloatArray(), 0f, kind + " matrix, step " + t);
                    assertArrayEquals(firstM, opt.firstMoment(0), 0f);
                    assertArrayEquals(secondM, opt.secondMoment(0), 0f);
                    assertArrayEquals(wv, vector.tensor().toFloatArray(), 0f, kind + " vector, step " + t);
                }
                matrix.zeroGrad();
                vector.zeroGrad();
                float[] g = gaussian(r, rows * cols);
                strided.addGrad(nd.create(g, new Shape(rows, cols)));
                float[] ws = strided.tensor().toFloatArray(); // the view's values in its own row-major order
                floatStep(ws, 0, g, 0, new float[g.length], new float[g.length], g.length, LR, 1, coupled);
                ops.step(LR);
                assertTrue(maxAbsDiff(ws, strided.tensor().toFloatArray()) < 1e-6, kind + " tensor operations");
                strided.zeroGrad();
            }
        }
    }

    /** Tensor arithmetic (PyTorch's AdamW order of operations) equals the Java arrays' up to float rounding. */
    @ParameterizedTest
    @EnumSource(TrainConfig.OptimizerKind.class)
    void aTensorParameterFollowsTheArrayArithmetic(TrainConfig.OptimizerKind kind) {
        SplittableRandom r = new SplittableRandom(5);
        float[] init = gaussian(r, 50);
        try (NDManager nd = NDManager.newBaseManager()) {
            Parameter dense = Parameter.dense("x", 5, 10, init.clone());
            Parameter tensor = Parameter.tensor("x", nd.create(init.clone(), new Shape(5, 10)), 0);
            assertEquals(5, tensor.rows());
            assertEquals(10, tensor.cols());
            try (AdamOptimizer a = new AdamOptimizer(ParameterSet.of(dense), kind, B1, B2, EPS, WD);
                 AdamOptimizer b = new AdamOptimizer(ParameterSet.of(tensor), kind, B1, B2, EPS, WD)) {
                for (int step = 0; step < 3; step++) {
                    float[] g = gaussian(r, 50);
                    dense.zeroGrad();
                    System.arraycopy(g, 0, dense.grad(), 0, g.length);
                    tensor.zeroGrad();
                    tensor.addGrad(nd.create(g, new Shape(5, 10)));
                    a.step(LR);
                    b.step(LR);
                }
                assertEquals(3, b.stepCount());
            }
            float d = maxAbsDiff(dense.value(), tensor.tensor().toFloatArray());
            assertTrue(d < 1e-6, kind + " differs by " + d);
            tensor.zeroGrad();
        }
    }

    @Test
    void aTensorTrainsOnlyItsRowsFromFirstRowAndAMissingGradientIsZero() {
        SplittableRandom r = new SplittableRandom(8);
        float[] init = gaussian(r, 6 * 4);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray table = nd.create(init.clone(), new Shape(6, 4));
            Parameter rows = Parameter.tensor("emb", table, 4);
            assertEquals(2, rows.rows());
            assertEquals(4, rows.cols());
            assertEquals(8, rows.size());
            assertEquals(new Shape(2, 4), rows.trainableShape());
            Parameter ref = Parameter.dense("emb", 2, 4, java.util.Arrays.copyOfRange(init, 16, 24));
            try (AdamOptimizer a = new AdamOptimizer(ParameterSet.of(ref), TrainConfig.OptimizerKind.ADAMW, B1, B2, EPS, WD);
                 AdamOptimizer b = new AdamOptimizer(ParameterSet.of(rows), TrainConfig.OptimizerKind.ADAMW, B1, B2, EPS, WD)) {
                for (int step = 0; step < 2; step++) {
                    float[] g = gaussian(r, 8);
                    ref.zeroGrad();
                    System.arraycopy(g, 0, ref.grad(), 0, 8);
                    rows.zeroGrad();
                    rows.addGrad(nd.create(g, new Shape(2, 4)));
                    a.step(LR);
                    b.step(LR);
                }
                float[] after = table.toFloatArray();
                assertArrayEquals(java.util.Arrays.copyOf(init, 16), java.util.Arrays.copyOf(after, 16), 0f);
                assertTrue(maxAbsDiff(ref.value(), java.util.Arrays.copyOfRange(after, 16, 24)) < 1e-6);
                assertArrayEquals(java.util.Arrays.copyOfRange(after, 16, 24), rows.copyValues(), 0f);
                // No gradient in a step: a zero gradient, so AdamW still decays the weights and moves them by the moments.
                rows.zeroGrad();
                ref.zeroGrad();
                a.step(LR);
                b.step(LR);
                assertTrue(maxAbsDiff(ref.value(), rows.copyValues()) < 1e-6);
            }
            var e = assertThrows(IllegalArgumentException.class, () -> rows.addGrad(nd.zeros(new Shape(6, 4))));
            assertTrue(e.getMessage().contains("gradient shape"), e.getMessage());
            assertThrows(IllegalStateException.class, rows::value);
            assertThrows(IllegalArgumentException.class, () -> Parameter.tensor("emb", table, 6));
        }
    }

    /**
     * A row-sparse tensor updates only the rows a step touched, each with its own step count t_r
     * in the bias correction: a row first touched at step 3 gets the update of a first step.
     * Reference: the hand-written Adam on each row, steps counted per row.
     */
    @ParameterizedTest
    @EnumSource(TrainConfig.OptimizerKind.class)
    void aRowSparseTensorUpdatesTouchedRowsWithTheirOwnStepCounts(TrainConfig.OptimizerKind kind) {
        SplittableRandom r = new SplittableRandom(9);
        int rows = 5;
        int cols = 3;
        int first = 2;
        float[] init = gaussian(r, (first + rows) * cols);
        // Rows (counted from the first trained row) touched by steps 1, 2 and 3.
        int[][] touched = {{0, 3}, {3}, {1, 3}};
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray table = nd.create(init.clone(), new Shape(first + rows, cols));
            Parameter p = Parameter.rowSparseTensor("ids", table, first);
            assertEquals(Parameter.Kind.ROW_SPARSE_TENSOR, p.kind());
            assertTrue(p.rowSparse() && p.isTensor());
            assertEquals(rows, p.rows());
            assertEquals(new Shape(rows, cols), p.trainableShape());
            double[][] ref = new double[rows][];
            double[][] m = new double[rows][cols];
            double[][] v = new double[rows][cols];
            int[] t = new int[rows];
            for (int k = 0; k < rows; k++) {
                ref[k] = new double[cols];
                for (int j = 0; j < cols; j++) {
                    ref[k][j] = init[(first + k) * cols + j];
                }
            }
            try (AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(p), kind, B1, B2, EPS, WD)) {
                for (int[] step : touched) {
                    p.zeroGrad();
                    for (int row : step) {
                        float[] g = gaussian(r, cols);
                        p.addRowGrad(row, g, 0, 1f);
                        double[] gd = new double[cols];
                        for (int j = 0; j < cols; j++) {
                            gd[j] = g[j];
                        }
                        referenceStep(ref[row], gd, m[row], v[row], ++t[row], kind != TrainConfig.OptimizerKind.ADAM);
                    }
                    opt.step(LR);
                }
                assertArrayEquals(new long[] {1, 1, 0, 3, 0}, opt.rowSteps(0));
                float[] after = table.toFloatArray();
                assertArrayEquals(java.util.Arrays.copyOf(init, first * cols), java.util.Arrays.copyOf(after, first * cols), 0f,
                        "rows before the first trained row");
                for (int k = 0; k < rows; k++) {
                    for (int j = 0; j < cols; j++) {
                        float got = after[(first + k) * cols + j];
                        if (t[k] == 0) {
                            assertEquals(init[(first + k) * cols + j], got, 0f, "untouched row " + k + " (no decay either)");
                        } else {
                            assertEquals(ref[k][j], got, 1e-6, kind + " row " + k);
                        }
                    }
                }
                float[] moment = opt.firstMoment(0);
                assertEquals(0f, moment[2 * cols], "an untouched row's moments stay 0");
                assertEquals(m[3][1], moment[3 * cols + 1], 1e-7);
            }
            assertThrows(IllegalStateException.class, () -> p.addGrad(nd.zeros(new Shape(rows, cols))));
            assertThrows(IllegalStateException.class, p::tensorGrad);
            assertThrows(IllegalStateException.class, p::value);
            var e = assertThrows(IllegalArgumentException.class, () -> p.addRowGrad(rows, new float[cols], 0, 1f));
            assertTrue(e.getMessage().contains("row must be in [0, 5)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Parameter.rowSparseTensor("v", nd.zeros(new Shape(4)), 1));
            assertTrue(e.getMessage().contains("two-dimensional"), e.getMessage());
            p.zeroGrad();
        }
    }

    @Test
    void aRowSparseTensorsGradientIsClippedAndCopiedRowByRow() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Parameter p = Parameter.rowSparseTensor("ids", nd.zeros(new Shape(6, 2)), 2);
            p.addRowGrad(3, new float[] {3f, 0f}, 0, 1f);
            p.addRowGrad(1, new float[] {0f, 2f}, 0, 1f);
            p.addRowGrad(3, new float[] {0f, 2f}, 0, 2f);
            assertEquals(2, p.touchedCount());
            assertArrayEquals(new float[] {0, 0, 0, 2, 0, 0, 3, 4}, p.copyGrad());
            double norm = GradientClipping.clip(ParameterSet.of(p), 1.0);
            assertEquals(Math.sqrt(4 + 9 + 16), norm, 1e-6);
            assertEquals(4 / (norm + 1e-6), p.copyGrad()[7], 1e-6);
            p.zeroGrad();
            assertEquals(0, p.touchedCount());
        }
    }

    @Test
    void aTensorMayTrainARangeOfRows() {
        SplittableRandom r = new SplittableRandom(10);
        float[] init = gaussian(r, 6 * 2);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray table = nd.create(init.clone(), new Shape(6, 2));
            Parameter base = Parameter.tensor("base", table, 0, 4);
            assertEquals(4, base.rows());
            assertEquals(4, base.endRow());
            assertEquals(new Shape(4, 2), base.trainableShape());
            try (AdamOptimizer opt = new AdamOptimizer(ParameterSet.of(base), TrainConfig.OptimizerKind.ADAMW, B1, B2, EPS, WD)) {
                base.addGrad(nd.create(gaussian(r, 8), new Shape(4, 2)));
                opt.step(LR);
            }
            float[] after = table.toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(init, 8, 12), java.util.Arrays.copyOfRange(after, 8, 12), 0f);
            assertTrue(maxAbsDiff(java.util.Arrays.copyOf(init, 8), java.util.Arrays.copyOf(after, 8)) > 0);
            assertArrayEquals(java.util.Arrays.copyOf(after, 8), base.copyValues(), 0f);
            base.writeValues(new float[8]);
            assertArrayEquals(new float[8], java.util.Arrays.copyOf(table.toFloatArray(), 8), 0f);
            assertArrayEquals(java.util.Arrays.copyOfRange(init, 8, 12), java.util.Arrays.copyOfRange(table.toFloatArray(), 8, 12), 0f);
            var e = assertThrows(IllegalArgumentException.class, () -> Parameter.tensor("x", table, 2, 2));
            assertTrue(e.getMessage().contains("endRow must be in (2, 6]"), e.getMessage());
            base.zeroGrad();
        }
    }

    @Test
    void clippingCountsTensorGradients() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Parameter a = Parameter.dense("a", 1, 2, new float[2]);
            Parameter t = Parameter.tensor("t", nd.zeros(new Shape(2)), 0);
            a.grad()[0] = 3f;
            t.addGrad(nd.create(new float[] {0f, 4f}));
            double norm = GradientClipping.clip(ParameterSet.of(a, t), 1.0);
            assertEquals(5.0, norm, 1e-6);
            assertEquals(3 / (5 + 1e-6), a.grad()[0], 1e-6);
            assertEquals(4 / (5 + 1e-6), t.tensorGrad().toFloatArray()[1], 1e-6);
            t.zeroGrad();
            assertEquals(null, t.tensorGrad());
        }
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
