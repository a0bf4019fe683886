package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.train.Parameter;

class AutogradStepTest {
    static {
        // Tiny tensors: one intra-op thread avoids thread hand-offs that dominate on a busy 2-core machine
        // (effective only if the engine has not started yet in this JVM).
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    private static final int[] IDS = {3, 1, 3, 0, 4, 1};
    private static final float[] LABELS = {1, 0, 1};
    /** Mean bags with keep = 2: {5, 2}, empty, {3}. */
    private static final int[][] BAGS = {{0, 5, 2}, {}, {3}};

    /** Tiny model: two embedding rows and a mean bag per example, concatenated, through a dense layer and tanh, then BCE. */
    private static NDArray loss(AutogradStep s, Parameter table, Parameter w, Parameter b, Parameter v) {
        NDArray rows = s.rows(table, IDS, new Shape(3, 2)).lookup().reshape(3, 6);
        NDArray x = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(rows, s.meanBag(table, BAGS, 2)), 1);
        NDArray h = TensorFunctions.linear(x, s.dense(w), s.dense(b)).tanh();
        NDArray z = h.matMul(s.dense(v)).reshape(3);
        return TensorFunctions.bceWithLogits(z, s.manager().create(LABELS));
    }

    private static double lossValue(Parameter table, Parameter w, Parameter b, Parameter v) {
        try (AutogradStep s = AutogradStep.inference()) {
            return loss(s, table, w, b, v).getFloat();
        }
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(7);
        Parameter table = Parameter.table("emb", 8, 3, random(24, r));
        Parameter w = Parameter.dense("w", 9, 4, random(36, r));
        Parameter b = Parameter.dense("b", 1, 4, random(4, r));
        Parameter v = Parameter.dense("v", 4, 1, random(4, r));
        double analytic;
        try (AutogradStep s = AutogradStep.training()) {
            analytic = s.backward(loss(s, table, w, b, v));
        }
        assertEquals(lossValue(table, w, b, v), analytic, 1e-6);
        // Rows 6 and 7 are in neither the batch nor the kept bag entries (row 0 of bag 0 is dropped by keep = 2,
        // but row 0 is in the batch): they must not be touched.
        assertEquals(6, table.touchedCount());
        float[] tableGrad = new float[24];
        for (int k = 0; k < table.touchedCount(); k++) {
            System.arraycopy(table.slotGrad(), k * 3, tableGrad, table.touchedRow(k) * 3, 3);
        }
        check(table, tableGrad, w, b, v);
        check(w, w.grad(), table, b, v);
        check(b, b.grad(), table, w, v);
        check(v, v.grad(), table, w, b);
    }

    /**
     * The fused input layer builds the same x as the per-field lookups + concatenation above
     * (example e's two rows are IDS[2e], IDS[2e+1]; then the mean bag), so loss and every
     * gradient must agree with that path up to float rounding.
     */
    @Test
    void fusedFieldsMatchSeparateLookups() {
        SplittableRandom r = new SplittableRandom(11);
        Parameter table = Parameter.table("emb", 8, 3, random(24, r));
        Parameter w = Parameter.dense("w", 9, 4, random(36, r));
        Parameter b = Parameter.dense("b", 1, 4, random(4, r));
        Parameter v = Parameter.dense("v", 4, 1, random(4, r));
        double separate;
        try (AutogradStep s = AutogradStep.training()) {
            separate = s.backward(loss(s, table, w, b, v));
        }
        float[] tableGrad = denseTableGrad(table);
        float[] wGrad = w.grad().clone();
        table.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();
        v.zeroGrad();
        double fused;
        try (AutogradStep s = AutogradStep.training()) {
            NDArray x = s.fields(java.util.List.of(AutogradStep.Field.lookup(table, new int[] {3, 3, 4}),
                    AutogradStep.Field.lookup(table, new int[] {1, 0, 1}), AutogradStep.Field.meanOf(table, BAGS, 2)));
            NDArray z = TensorFunctions.linear(x, s.dense(w), s.dense(b)).tanh().matMul(s.dense(v)).reshape(3);
            fused = s.backward(TensorFunctions.bceWithLogits(z, s.manager().create(LABELS)));
        }
        assertEquals(separate, fused, 1e-6);
        assertEquals(6, table.touchedCount());
        float[] fusedTableGrad = denseTableGrad(table);
        for (int i = 0; i < tableGrad.length; i++) {
            assertEquals(tableGrad[i], fusedTableGrad[i], 1e-6, "emb[" + i + "]");
        }
        for (int i = 0; i < wGrad.length; i++) {
            assertEquals(wGrad[i], w.grad()[i], 1e-6, "w[" + i + "]");
        }
    }

    private static float[] denseTableGrad(Parameter table) {
        float[] g = new float[table.rows() * table.cols()];
        for (int k = 0; k < table.touchedCount(); k++) {
            System.arraycopy(table.slotGrad(), k * table.cols(), g, table.touchedRow(k) * table.cols(), table.cols());
        }
        return g;
    }

    /** Central differences in float32: eps 1e-2 keeps rounding error well under the tolerance. */
    private static void check(Parameter p, float[] grad, Parameter... others) {
        float eps = 1e-2f;
        for (int i = 0; i < p.value().length; i++) {
            float old = p.value()[i];
            p.value()[i] = old + eps;
            double up = lossWith(p, others);
            p.value()[i] = old - eps;
            double down = lossWith(p, others);
            p.value()[i] = old;
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, grad[i], 2e-3 + 2e-2 * Math.abs(numeric), p.name() + "[" + i + "]");
        }
    }

    private static double lossWith(Parameter p, Parameter[] others) {
        Parameter table = pick("emb", p, others);
        return lossValue(table, pick("w", p, others), pick("b", p, others), pick("v", p, others));
    }

    private static Parameter pick(String name, Parameter p, Parameter[] others) {
        if (p.name().equals(name)) {
            return p;
        }
        for (Parameter o : others) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        throw new AssertionError(name);
    }

    private static float[] random(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * 0.7f;
        }
        return a;
    }
}
