package org.tandemrec.crm.ctr;

import java.util.Arrays;
import java.util.List;
import org.tandemrec.train.ParameterSet;

/**
 * DCNv2's forward pass in plain Java over a read-only copy of a model's weights, for serving: one
 * native call per request costs ~0.5 ms whatever its size, while a row here costs microseconds.
 * It computes what {@link DcnV2Network#forward} does (the same fields of x_0, cross layers, deep
 * network, combination and output), up to float rounding; training and batch evaluation keep the
 * native path. Immutable and thread-safe: each call allocates its own small scratch arrays.
 * Shapes: D = fields · d cross width, K experts, r rank, H history length.
 */
public final class DcnV2Inference {
    private final DcnV2Config config;
    private final int numUsers;
    private final int numItems;
    private final int d;
    private final int width;
    private final int[][] itemCategories;
    private final int[][] userProfile;
    private final float[] userTable;
    private final float[] itemTable;
    private final float[] categoryTable;
    private final float[][] profileTables;
    /** Per cross layer: W (D × D) for FULL; for LOW_RANK_MIXTURE V (D × K·r), C (K·r × r), U (K·r × D), gate (D × K). */
    private final float[][] crossW;
    private final float[][] crossV;
    private final float[][] crossC;
    private final float[][] crossU;
    private final float[][] crossGate;
    private final float[][] crossB;
    private final float[][] deepW;
    private final float[][] deepB;
    private final int[] deepWidth;
    private final float[] outW;
    private final float outB;

    private DcnV2Inference(DcnV2 model) {
        this.config = model.config();
        CtrFeatures f = model.features();
        ParameterSet p = model.parameters();
        this.numUsers = f.numUsers();
        this.numItems = f.numItems();
        this.d = config.embeddingDim();
        this.width = f.numFields() * d;
        this.itemCategories = copy(f.itemCategoriesView());
        this.userProfile = copy(f.userFieldIdsView());
        this.userTable = values(p, FieldEmbeddings.EMBEDDING + "user");
        this.itemTable = values(p, FieldEmbeddings.EMBEDDING + "item");
        this.categoryTable = f.numCategories() > 0 ? values(p, FieldEmbeddings.EMBEDDING + "category") : new float[0];
        this.profileTables = new float[f.profileFields().size()][];
        for (int k = 0; k < profileTables.length; k++) {
            profileTables[k] = values(p, FieldEmbeddings.EMBEDDING + "profile_" + k);
        }
        int layers = config.crossLayers();
        boolean full = config.crossKind() == DcnV2Config.CrossKind.FULL;
        this.crossW = new float[layers][];
        this.crossV = new float[layers][];
        this.crossC = new float[layers][];
        this.crossU = new float[layers][];
        this.crossGate = new float[layers][];
        this.crossB = new float[layers][];
        for (int l = 0; l < layers; l++) {
            String n = "cross_" + l + "_";
            if (full) {
                crossW[l] = values(p, n + "w");
            } else {
                crossV[l] = values(p, n + "v");
                crossC[l] = values(p, n + "c");
                crossU[l] = values(p, n + "u");
                crossGate[l] = values(p, n + "gate");
            }
            crossB[l] = values(p, n + "b");
        }
        List<Integer> sizes = config.deepLayers();
        this.deepW = new float[sizes.size()][];
        this.deepB = new float[sizes.size()][];
        this.deepWidth = new int[sizes.size()];
        for (int k = 0; k < sizes.size(); k++) {
            deepW[k] = values(p, "deep_" + k + "_w");
            deepB[k] = values(p, "deep_" + k + "_b");
            deepWidth[k] = sizes.get(k);
        }
        this.outW = values(p, "out_w");
        this.outB = values(p, "out_b")[0];
    }

    /** A snapshot of {@code model}'s weights and features (later training of the model does not show here). */
    public static DcnV2Inference of(DcnV2 model) {
        return new DcnV2Inference(model);
    }

    private static float[] values(ParameterSet p, String name) {
        return p.get(name).value().clone();
    }

    private static int[][] copy(int[][] rows) {
        int[][] out = new int[rows.length][];
        for (int k = 0; k < rows.length; k++) {
            out[k] = rows[k].clone();
        }
        return out;
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    /** The logits of (user, item) pairs, each with its own history (oldest first; the last H are used). */
    public float[] logits(int[] users, int[] items, int[][] histories) {
        if (users.length != items.length || users.length != histories.length) {
            throw new IllegalArgumentException("users, items and histories differ in length: " + users.length + ", "
                    + items.length + ", " + histories.length);
        }
        Scratch s = new Scratch();
        float[] out = new float[users.length];
        for (int k = 0; k < users.length; k++) {
            checkUser(users[k]);
            checkItem(items[k]);
            checkHistory(histories[k]);
            userFields(users[k], histories[k], s.x0);
            out[k] = rowLogit(items[k], s);
        }
        return out;
    }

    /**
     * The logits of one user's {@code items}, all with the same {@code history} (oldest first; the
     * last H are used): the user's fields are built once.
     */
    public float[] logits(int user, int[] items, int[] history) {
        checkUser(user);
        checkHistory(history);
        Scratch s = new Scratch();
        userFields(user, history, s.x0);
        float[] out = new float[items.length];
        for (int k = 0; k < items.length; k++) {
            checkItem(items[k]);
            out[k] = rowLogit(items[k], s);
        }
        return out;
    }

    private void checkUser(int user) {
        if (user < 0 || user >= numUsers) {
            throw new IllegalArgumentException("dcnv2: user index " + user + " outside [0," + numUsers + ")");
        }
    }

    private void checkItem(int item) {
        if (item < 0 || item >= numItems) {
            throw new IllegalArgumentException("dcnv2: item index " + item + " outside [0," + numItems + ")");
        }
    }

    private void checkHistory(int[] history) {
        for (int i : history) {
            if (i < 0 || i >= numItems) {
                throw new IllegalArgumentException("dcnv2: history item " + i + " outside [0," + numItems + ")");
            }
        }
    }

    /** Per-call buffers: x_0 (its user fields filled once per user), the running x, and the layers' outputs. */
    private final class Scratch {
        final float[] x0 = new float[width];
        final float[] x = new float[width];
        final float[] next = new float[width];
        final float[] kr = new float[config.crossKind() == DcnV2Config.CrossKind.FULL ? 0 : config.experts() * config.rank()];
        final float[] kr2 = new float[kr.length];
        final float[] gates = new float[kr.length == 0 ? 0 : config.experts()];
        final float[][] deep = new float[deepWidth.length][];

        Scratch() {
            for (int k = 0; k < deep.length; k++) {
                deep[k] = new float[deepWidth[k]];
            }
        }
    }

    /** Fills the fields of x_0 that depend on the user only: user id, profile fields, history mean. */
    private void userFields(int user, int[] history, float[] x0) {
        System.arraycopy(userTable, user * d, x0, 0, d);
        int offset = 2 * d + (categoryTable.length > 0 ? d : 0);
        for (int k = 0; k < profileTables.length; k++, offset += d) {
            System.arraycopy(profileTables[k], userProfile[user][k] * d, x0, offset, d);
        }
        // The mean of the last H history items' embeddings (zeros without history), as FieldEmbeddings pools it.
        Arrays.fill(x0, offset, offset + d, 0f);
        int n = Math.min(config.historyLength(), history.length);
        float w = 1f / n;
        for (int k = history.length - n; k < history.length; k++) {
            for (int c = 0, r = history[k] * d; c < d; c++) {
                x0[offset + c] += w * itemTable[r + c];
            }
        }
    }

    /** Fills the item fields of {@code s.x0} (item id, category mean) and runs the network on it. */
    private float rowLogit(int item, Scratch s) {
        float[] x0 = s.x0;
        System.arraycopy(itemTable, item * d, x0, d, d);
        if (categoryTable.length > 0) {
            int o = 2 * d;
            Arrays.fill(x0, o, o + d, 0f);
            int[] cats = itemCategories[item];
            float w = 1f / cats.length;
            for (int c : cats) {
                for (int j = 0, r = c * d; j < d; j++) {
                    x0[o + j] += w * categoryTable[r + j];
                }
            }
        }
        float[] x = s.x;
        float[] next = s.next;
        System.arraycopy(x0, 0, x, 0, width);
        for (int l = 0; l < crossW.length; l++) {
            if (crossW[l] != null) {
                fullCross(x0, x, crossW[l], crossB[l], next);
            } else {
                lowRankMixture(l, x0, x, s, next);
            }
            float[] t = x;
            x = next;
            next = t;
        }
        boolean stacked = config.structure() == DcnV2Config.Structure.STACKED;
        float[] h = stacked ? x : x0;
        int hw = width;
        for (int k = 0; k < deepW.length; k++) {
            float[] o = s.deep[k];
            linear(h, hw, deepW[k], deepB[k], o, deepWidth[k]);
            for (int j = 0; j < o.length; j++) {
                o[j] = Math.max(o[j], 0f);
            }
            h = o;
            hw = deepWidth[k];
        }
        float z = outB;
        if (stacked) {
            z += dot(h, hw, outW, 0);
        } else {
            z += dot(x, width, outW, 0);
            if (deepW.length > 0) {
                z += dot(h, hw, outW, width);
            }
        }
        return z;
    }

    /** Eq. 1: next = x_0 ⊙ (x W + b) + x. */
    private void fullCross(float[] x0, float[] x, float[] w, float[] b, float[] next) {
        linear(x, width, w, b, next, width);
        for (int j = 0; j < width; j++) {
            next[j] = x0[j] * next[j] + x[j];
        }
    }

    /** Eq. 3: next = Σ_k softmax(x G)_k · x_0 ⊙ (U_k tanh(C_k tanh(V_k x)) + b) + x. */
    private void lowRankMixture(int l, float[] x0, float[] x, Scratch s, float[] next) {
        int k = config.experts();
        int r = config.rank();
        float[] v = s.kr;
        linear(x, width, crossV[l], null, v, k * r);
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) Math.tanh(v[j]);
        }
        float[] c = s.kr2;
        float[] cw = crossC[l];
        for (int e = 0; e < k; e++) {
            for (int b = 0; b < r; b++) {
                float sum = 0;
                for (int a = 0; a < r; a++) {
                    sum += v[e * r + a] * cw[(e * r + a) * r + b];
                }
                c[e * r + b] = (float) Math.tanh(sum);
            }
        }
        float[] g = s.gates;
        linear(x, width, crossGate[l], null, g, k);
        float max = Float.NEGATIVE_INFINITY;
        for (float y : g) {
            max = Math.max(max, y);
        }
        float total = 0;
        for (int e = 0; e < k; e++) {
            g[e] = (float) Math.exp(g[e] - max);
            total += g[e];
        }
        float[] u = crossU[l];
        float[] bias = crossB[l];
        Arrays.fill(next, 0f);
        for (int e = 0; e < k; e++) {
            float gate = g[e] / total;
            // Σ_k gate_k · x_0 ⊙ (c_k U_k + b), column by column.
            for (int j = 0; j < width; j++) {
                float acc = 0;
                for (int a = 0; a < r; a++) {
                    acc += c[e * r + a] * u[(e * r + a) * width + j];
                }
                next[j] += gate * x0[j] * (acc + bias[j]);
            }
        }
        for (int j = 0; j < width; j++) {
            next[j] += x[j];
        }
    }

    /** out = in (1 × n) · w (n × m, row-major) + b (null: none). */
    private static void linear(float[] in, int n, float[] w, float[] b, float[] out, int m) {
        if (b == null) {
            Arrays.fill(out, 0, m, 0f);
        } else {
            System.arraycopy(b, 0, out, 0, m);
        }
        for (int i = 0; i < n; i++) {
            float xi = in[i];
            if (xi == 0f) {
                continue; // ReLU outputs are often zero; their rows add nothing
            }
            for (int j = 0, o = i * m; j < m; j++) {
                out[j] += xi * w[o + j];
            }
        }
    }

    private static float dot(float[] a, int n, float[] w, int from) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * w[from + i];
        }
        return s;
    }
}
