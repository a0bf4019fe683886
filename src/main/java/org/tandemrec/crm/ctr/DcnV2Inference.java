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
    /** Rows scored together: each weight row is read once per block rather than once per row. */
    private static final int BLOCK = 16;

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
    /**
     * Per cross layer, as rows (input × output): W (D × D) for FULL; for LOW_RANK_MIXTURE V (D × K·r),
     * C (K·r × r), U (K·r × D), gate (D × K). A matrix is kept one array per row, and activations one
     * array per example, because the JIT vectorises y[j] += a · x[j] over two arrays only when both
     * start at index 0 (with offsets into one long array the loop stays scalar, ~5× slower).
     */
    private final float[][][] crossW;
    private final float[][][] crossV;
    private final float[][][] crossC;
    private final float[][][] crossU;
    private final float[][][] crossGate;
    private final float[][] crossB;
    private final float[][][] deepW;
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
        this.crossW = new float[layers][][];
        this.crossV = new float[layers][][];
        this.crossC = new float[layers][][];
        this.crossU = new float[layers][][];
        this.crossGate = new float[layers][][];
        this.crossB = new float[layers][];
        for (int l = 0; l < layers; l++) {
            String n = "cross_" + l + "_";
            if (full) {
                crossW[l] = rows(p, n + "w");
            } else {
                crossV[l] = rows(p, n + "v");
                crossC[l] = rows(p, n + "c");
                crossU[l] = rows(p, n + "u");
                crossGate[l] = rows(p, n + "gate");
            }
            crossB[l] = values(p, n + "b");
        }
        List<Integer> sizes = config.deepLayers();
        this.deepW = new float[sizes.size()][][];
        this.deepB = new float[sizes.size()][];
        this.deepWidth = new int[sizes.size()];
        for (int k = 0; k < sizes.size(); k++) {
            deepW[k] = rows(p, "deep_" + k + "_w");
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

    private static float[][] rows(ParameterSet p, String name) {
        org.tandemrec.train.Parameter x = p.get(name);
        float[] v = x.value();
        float[][] out = new float[x.rows()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = Arrays.copyOfRange(v, r * x.cols(), (r + 1) * x.cols());
        }
        return out;
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
        float[] out = new float[users.length];
        Scratch s = new Scratch(Math.min(BLOCK, users.length));
        for (int from = 0; from < users.length; from += BLOCK) {
            int n = Math.min(BLOCK, users.length - from);
            for (int b = 0; b < n; b++) {
                int k = from + b;
                checkUser(users[k]);
                checkItem(items[k]);
                checkHistory(histories[k]);
                userFields(users[k], histories[k], s.x0[b]);
                itemFields(items[k], s.x0[b]);
            }
            forward(s, n, out, from);
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
        for (int i : items) {
            checkItem(i);
        }
        float[] out = new float[items.length];
        if (items.length == 0) {
            return out;
        }
        Scratch s = new Scratch(Math.min(BLOCK, items.length));
        float[] user0 = new float[width];
        userFields(user, history, user0);
        for (int from = 0; from < items.length; from += BLOCK) {
            int n = Math.min(BLOCK, items.length - from);
            for (int b = 0; b < n; b++) {
                System.arraycopy(user0, 0, s.x0[b], 0, width);
                itemFields(items[from + b], s.x0[b]);
            }
            forward(s, n, out, from);
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

    /** Per-call buffers for up to {@code rows} rows: x_0, the running x, each layer's output, one array per row. */
    private final class Scratch {
        final float[][] x0;
        final float[][] x;
        final float[][] next;
        final float[] kr;
        final float[] kr2;
        final float[] gates;
        final float[] expert;
        final float[][][] deep = new float[deepWidth.length][][];

        Scratch(int rows) {
            x0 = new float[rows][width];
            x = new float[rows][width];
            next = new float[rows][width];
            boolean full = config.crossKind() == DcnV2Config.CrossKind.FULL;
            kr = new float[full ? 0 : config.experts() * config.rank()];
            kr2 = new float[kr.length];
            gates = new float[full ? 0 : config.experts()];
            expert = new float[full ? 0 : width];
            for (int k = 0; k < deep.length; k++) {
                deep[k] = new float[rows][deepWidth[k]];
            }
        }
    }

    /** Fills the fields of an x_0 row that depend on the user only: user id, profile fields, history mean. */
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

    /** Fills the item fields of an x_0 row: item id and the mean of its categories (zeros without). */
    private void itemFields(int item, float[] x0) {
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
    }

    /** The network over the first {@code n} rows of {@code s.x0}; their logits go to {@code out} from {@code at}. */
    private void forward(Scratch s, int n, float[] out, int at) {
        float[][] x0 = s.x0;
        float[][] x = s.x;
        float[][] next = s.next;
        for (int b = 0; b < n; b++) {
            System.arraycopy(x0[b], 0, x[b], 0, width);
        }
        for (int l = 0; l < crossB.length; l++) {
            if (crossW[l] != null) {
                // Eq. 1: next = x_0 ⊙ (x W + b) + x.
                linear(x, n, crossW[l], crossB[l], next);
                for (int b = 0; b < n; b++) {
                    float[] y = next[b];
                    float[] a = x0[b];
                    float[] c = x[b];
                    for (int j = 0; j < width; j++) {
                        y[j] = a[j] * y[j] + c[j];
                    }
                }
            } else {
                for (int b = 0; b < n; b++) {
                    lowRankMixture(l, x0[b], x[b], s, next[b]);
                }
            }
            float[][] t = x;
            x = next;
            next = t;
        }
        boolean stacked = config.structure() == DcnV2Config.Structure.STACKED;
        float[][] h = stacked ? x : x0;
        for (int k = 0; k < deepW.length; k++) {
            float[][] o = s.deep[k];
            linear(h, n, deepW[k], deepB[k], o);
            for (int b = 0; b < n; b++) {
                float[] y = o[b];
                for (int j = 0; j < y.length; j++) {
                    y[j] = Math.max(y[j], 0f);
                }
            }
            h = o;
        }
        for (int b = 0; b < n; b++) {
            float z = outB;
            if (stacked) {
                z += dot(h[b], outW, 0);
            } else {
                z += dot(x[b], outW, 0);
                if (deepW.length > 0) {
                    z += dot(h[b], outW, width);
                }
            }
            out[at + b] = z;
        }
    }

    /** Eq. 3 on one row: next = Σ_k softmax(x G)_k · x_0 ⊙ (U_k tanh(C_k tanh(V_k x)) + b) + x. */
    private void lowRankMixture(int l, float[] x0, float[] x, Scratch s, float[] next) {
        int k = config.experts();
        int r = config.rank();
        float[] v = s.kr;
        vectorTimes(x, crossV[l], v);
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) Math.tanh(v[j]);
        }
        float[] c = s.kr2;
        float[][] cw = crossC[l];
        for (int e = 0; e < k; e++) {
            for (int b = 0; b < r; b++) {
                float sum = 0;
                for (int a = 0; a < r; a++) {
                    sum += v[e * r + a] * cw[e * r + a][b];
                }
                c[e * r + b] = (float) Math.tanh(sum);
            }
        }
        float[] g = s.gates;
        vectorTimes(x, crossGate[l], g);
        float max = Float.NEGATIVE_INFINITY;
        for (float y : g) {
            max = Math.max(max, y);
        }
        float total = 0;
        for (int e = 0; e < k; e++) {
            g[e] = (float) Math.exp(g[e] - max);
            total += g[e];
        }
        float[][] u = crossU[l];
        float[] bias = crossB[l];
        float[] expert = s.expert;
        System.arraycopy(x, 0, next, 0, width);
        for (int e = 0; e < k; e++) {
            float gate = g[e] / total;
            // gate_k · x_0 ⊙ (c_k U_k + b)
            System.arraycopy(bias, 0, expert, 0, width);
            for (int a = 0; a < r; a++) {
                axpy(c[e * r + a], u[e * r + a], expert);
            }
            for (int j = 0; j < width; j++) {
                next[j] += gate * x0[j] * expert[j];
            }
        }
    }

    /** out = x · w (w as rows: input × output). */
    private static void vectorTimes(float[] x, float[][] w, float[] out) {
        Arrays.fill(out, 0f);
        for (int i = 0; i < w.length; i++) {
            axpy(x[i], w[i], out);
        }
    }

    /**
     * out[r] = in[r] · w + b (b null: none) for the first {@code rows} rows; w as rows (input ×
     * output). The row loop sits inside the weight loop, so each row of w is read once per block.
     * Inputs are taken four at a time, and a row's non-zero ones among them (ReLU outputs are often
     * zero; their rows add nothing) are added in one pass over out[r]: a pass per input loaded and
     * stored out[r] once per weight row, which cost more than the multiply-adds. Each output still
     * receives its terms one by one in input order, so the sums are those of a pass per input to the bit.
     */
    static void linear(float[][] in, int rows, float[][] w, float[] b, float[][] out) {
        for (int r = 0; r < rows; r++) {
            if (b == null) {
                Arrays.fill(out[r], 0f);
            } else {
                System.arraycopy(b, 0, out[r], 0, b.length);
            }
        }
        for (int i = 0; i < w.length; i += 4) {
            int end = Math.min(w.length, i + 4);
            for (int r = 0; r < rows; r++) {
                float[] x = in[r];
                float[] y = out[r];
                float a0 = 0;
                float a1 = 0;
                float a2 = 0;
                float[] w0 = null;
                float[] w1 = null;
                float[] w2 = null;
                int nonZero = 0;
                for (int t = i; t < end; t++) {
                    float a = x[t];
                    if (a == 0f) {
                        continue;
                    }
                    switch (nonZero++) {
                        case 0 -> {
                            a0 = a;
                            w0 = w[t];
                        }
                        case 1 -> {
                            a1 = a;
                            w1 = w[t];
                        }
                        case 2 -> {
                            a2 = a;
                            w2 = w[t];
                        }
                        default -> axpy4(a0, w0, a1, w1, a2, w2, a, w[t], y);
                    }
                }
                switch (nonZero) {
                    case 1 -> axpy(a0, w0, y);
                    case 2 -> axpy2(a0, w0, a1, w1, y);
                    case 3 -> axpy3(a0, w0, a1, w1, a2, w2, y);
                    default -> { } // none, or all four (added above)
                }
            }
        }
    }

    /** y += a0 · x0, then += a1 · x1 (each rounded in turn, as two calls of {@link #axpy} would). */
    private static void axpy2(float a0, float[] x0, float a1, float[] x1, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] = y[j] + a0 * x0[j] + a1 * x1[j];
        }
    }

    private static void axpy3(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] = y[j] + a0 * x0[j] + a1 * x1[j] + a2 * x2[j];
        }
    }

    private static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                              float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] = y[j] + a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
        }
    }

    /** y += a · x (both from index 0, over x's length: the form the JIT turns into vector instructions). */
    private static void axpy(float a, float[] x, float[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static float dot(float[] a, float[] w, int from) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * w[from + i];
        }
        return s;
    }
}
