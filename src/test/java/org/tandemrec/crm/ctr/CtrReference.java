package org.tandemrec.crm.ctr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * First-principles pieces for the CTR networks' golden tests, in plain Java loops over the
 * parameters' values (row-major; an in × out weight W maps x to x·W), independent of the engine.
 */
final class CtrReference {
    private CtrReference() {
    }

    /**
     * Tiny features: 3 users, 4 items, categories {a}, {b}, {a, b}, {} and one profile field
     * (values x, y; user 2 has none): F = 5 fields (user, item, category, profile, history).
     */
    static CtrFeatures tinyFeatures() {
        List<ItemInfo> items = List.of(new ItemInfo("i0", List.of("a"), ""), new ItemInfo("i1", List.of("b"), ""),
                new ItemInfo("i2", List.of("a", "b"), ""), new ItemInfo("i3", List.of(), ""));
        List<UserProfile> users = List.of(new UserProfile(Map.of("p", "x")), new UserProfile(Map.of("p", "y")),
                UserProfile.EMPTY);
        return CtrFeatures.encode(3, 4, items, users);
    }

    /** Examples for the goldens: users, items and histories (one empty, one longer than H = 2). */
    static final int[] USERS = {0, 1, 2};
    static final int[] ITEMS = {2, 3, 1};
    static final int[][] HISTORIES = {{1, 3, 0}, {}, {2}};
    static final int HISTORY = 2;

    /** Overwrites every parameter with fixed values of both signs, 0.6·sin(1.7·i + 0.9·p) for value i of parameter p. */
    static void fixWeights(ParameterSet params) {
        List<Parameter> ps = params.list();
        for (int p = 0; p < ps.size(); p++) {
            float[] v = ps.get(p).value();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.6 * Math.sin(1.7 * i + 0.9 * p));
            }
        }
    }

    /** Row r of parameter {@code name} (cols wide). */
    static double[] row(ParameterSet p, String name, int r) {
        Parameter t = p.get(name);
        double[] out = new double[t.cols()];
        for (int c = 0; c < out.length; c++) {
            out[c] = t.value()[r * t.cols() + c];
        }
        return out;
    }

    /** All values of parameter {@code name} in row-major order (e.g. an n × 1 output weight as a vector). */
    static double[] vector(ParameterSet p, String name) {
        float[] v = p.get(name).value();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** Parameter {@code name} as a rows × cols matrix. */
    static double[][] matrix(ParameterSet p, String name) {
        Parameter t = p.get(name);
        double[][] m = new double[t.rows()][];
        for (int r = 0; r < m.length; r++) {
            m[r] = row(p, name, r);
        }
        return m;
    }

    private static double[] mean(ParameterSet p, String name, int[] ids, int width) {
        double[] out = new double[width];
        for (int id : ids) {
            double[] r = row(p, name, id);
            for (int c = 0; c < width; c++) {
                out[c] += r[c] / ids.length;
            }
        }
        return out;
    }

    /**
     * The F field vectors of one example from the tables {@code prefix + …} of width {@code d}:
     * user, item, mean of the item's categories, each profile id, mean of the last {@code h}
     * history items (zero when empty).
     */
    static double[][] fields(ParameterSet p, String prefix, CtrFeatures f, int d, int h, int user, int item, int[] history) {
        double[][] e = new double[f.numFields()][];
        int k = 0;
        e[k++] = row(p, prefix + "user", user);
        e[k++] = row(p, prefix + "item", item);
        if (f.numCategories() > 0) {
            e[k++] = mean(p, prefix + "category", f.categoriesOf(item), d);
        }
        int[] profile = f.profileOf(user);
        for (int j = 0; j < profile.length; j++) {
            e[k++] = row(p, prefix + "profile_" + j, profile[j]);
        }
        int n = Math.min(h, history.length);
        e[k] = mean(p, prefix + "item", java.util.Arrays.copyOfRange(history, history.length - n, history.length), d);
        return e;
    }

    /** Σ_f w_f: the linear term over the 1-wide {@code lin_} tables. */
    static double linearTerm(ParameterSet p, CtrFeatures f, int h, int user, int item, int[] history) {
        double s = 0;
        for (double[] w : fields(p, "lin_", f, 1, h, user, item, history)) {
            s += w[0];
        }
        return s;
    }

    /** x · W for W in × out. */
    static double[] times(double[] x, double[][] w) {
        double[] out = new double[w[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out.length; o++) {
                out[o] += x[i] * w[i][o];
            }
        }
        return out;
    }

    static double relu(double x) {
        return Math.max(0, x);
    }

    /** The ReLU MLP {@code prefix_k_w}, {@code prefix_k_b}, k &lt; layers, on x. */
    static double[] mlp(ParameterSet p, String prefix, int layers, double[] x) {
        double[] h = x;
        for (int k = 0; k < layers; k++) {
            double[] z = times(h, matrix(p, prefix + "_" + k + "_w"));
            double[] b = row(p, prefix + "_" + k + "_b", 0);
            for (int o = 0; o < z.length; o++) {
                z[o] = relu(z[o] + b[o]);
            }
            h = z;
        }
        return h;
    }

    /** The rows of {@code x} side by side. */
    static double[] flat(double[][] x) {
        double[] out = new double[x.length * x[0].length];
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, out, r * x[0].length, x[0].length);
        }
        return out;
    }

    static double dot(double[] a, double[] b, int bOffset) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[bOffset + i];
        }
        return s;
    }

    /** The network outputs for the golden examples, from a forward pass in an inference step. */
    interface Forward {
        Map<String, NDArray> apply(AutogradStep s, int[] users, int[] items, int[][] histories);
    }

    static float[] logits(Forward forward) {
        try (AutogradStep s = AutogradStep.inference()) {
            return forward.apply(s, USERS, ITEMS, HISTORIES).get("logit").toFloatArray();
        }
    }

    /**
     * One training step's backward of the mean BCE over the golden examples (labels 1, 0, 1), then
     * checks every parameter received a non-zero gradient (for a table: in some touched row).
     */
    static void assertEveryGradientNonZero(ParameterSet params, Forward forward) {
        params.zeroGrad();
        try (AutogradStep s = AutogradStep.training()) {
            NDArray logit = forward.apply(s, USERS, ITEMS, HISTORIES).get("logit").reshape(USERS.length);
            s.backward(TensorFunctions.bceWithLogits(logit, s.constant(new float[] {1, 0, 1}, new Shape(USERS.length))));
        }
        for (Parameter p : params.list()) {
            double max = 0;
            if (p.rowSparse()) {
                float[] g = p.slotGrad();
                for (int i = 0; i < p.touchedCount() * p.cols(); i++) {
                    max = Math.max(max, Math.abs(g[i]));
                }
            } else {
                for (float g : p.grad()) {
                    max = Math.max(max, Math.abs(g));
                }
            }
            assertTrue(max > 0, "no gradient reaches " + p.name());
        }
        params.zeroGrad();
    }
}
