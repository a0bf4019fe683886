package org.tandemrec.collab.bdlm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.RowMajor;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.safetensors.SafetensorsFile;
import org.tandemrec.llm.safetensors.SafetensorsWriter;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * BDLM's common-knowledge enhanced domain-specific model (BDLM-drs, arXiv 2311.03778 §4.2, Eqs.
 * 5–6): the CRM's user and item representations e_u, e_i (d) and the LLM's top-layer feature f
 * (H) of the pair's prompt, concatenated with the element-wise product, through one hidden layer,
 * added to the CRM's own score:
 * <pre>
 *   z = [e_u ; e_i ; e_u ⊙ e_i ; f]                                  (3d + H)
 *   logit = a · ⟨e_u, e_i⟩ + c · s(u, i) + w₂ · ReLU(W₁ z + b₁) + b₂,   p = σ(logit),  loss = BCE(p, y)
 * </pre>
 * The tables start from a trained CRM's representations and the hidden layer from small weights,
 * so training starts from the CRM's ranking and learns what the feature adds. A CRM that scores
 * by the inner product of those representations (LightGCN, MF) starts with a = 1 (or 1/f² for
 * vectors brought to another scale by f) and c = 0; any other (NeuMF, GMF, vectors projected to
 * the LLM's size) gives its own score s(u, i) as a fixed input — its logit when it is a
 * probability — with c = 1 and a = 0 ({@link #initialOnScores}).
 * Parameters live in a {@link ParameterSet} (tables row-sparse) for the shared trainer; the
 * forward and backward passes are written out (see {@link #accumulateGradients}).
 */
public final class FeatureEnhancedCrm {
    static final String USERS = "drs.user_table";
    static final String ITEMS = "drs.item_table";
    static final String SCORE_WEIGHT = "drs.crm_score_weight";

    private final int dim;
    private final int featureSize;
    private final int hidden;
    private final ParameterSet parameters;
    private final Parameter users;
    private final Parameter items;
    private final Parameter w1;
    private final Parameter b1;
    private final Parameter w2;
    private final Parameter b2;
    private final Parameter a;
    private final Parameter c;
    /** The CRM whose score is the input s(u, i); null when c stays 0. */
    private final Recommender crm;

    private FeatureEnhancedCrm(int dim, int featureSize, int hidden, ParameterSet parameters, Recommender crm) {
        this.dim = dim;
        this.featureSize = featureSize;
        this.hidden = hidden;
        this.parameters = parameters;
        this.users = parameters.get(USERS);
        this.items = parameters.get(ITEMS);
        this.w1 = parameters.get("drs.w1");
        this.b1 = parameters.get("drs.b1");
        this.w2 = parameters.get("drs.w2");
        this.b2 = parameters.get("drs.b2");
        this.a = parameters.get("drs.crm_weight");
        this.c = parameters.get(SCORE_WEIGHT);
        this.crm = crm;
    }

    /**
     * A network over copies of the CRM's representations ([U][d], [I][d]), with a hidden layer
     * of {@code hidden} units drawn from {@code seed} (He-uniform scaled by 0.1).
     */
    public static FeatureEnhancedCrm initial(float[][] userVectors, float[][] itemVectors, int featureSize, int hidden,
                                             long seed) {
        return initial(userVectors, itemVectors, featureSize, hidden, 1, seed);
    }

    /**
     * As {@link #initial(float[][], float[][], int, int, long)} with the CRM's score weight a
     * starting at {@code crmWeight}: vectors brought to another scale by a factor f start with
     * a = 1/f², so the starting logit is still the CRM's own score.
     */
    public static FeatureEnhancedCrm initial(float[][] userVectors, float[][] itemVectors, int featureSize, int hidden,
                                             double crmWeight, long seed) {
        if (!(crmWeight > 0) || Double.isInfinite(crmWeight)) {
            throw new UsageException("crmWeight must be > 0 and finite, got " + crmWeight);
        }
        return build(userVectors, itemVectors, featureSize, hidden, crmWeight, null, seed);
    }

    /**
     * A network that starts from {@code crm}'s own score given as an input (c = 1, a = 0): for a
     * CRM whose score is not the inner product of the vectors the tables start from. The CRM
     * must score the same users and items as the tables hold.
     */
    public static FeatureEnhancedCrm initialOnScores(float[][] userVectors, float[][] itemVectors, int featureSize,
                                                     int hidden, Recommender crm, long seed) {
        if (crm.numUsers() != userVectors.length || crm.numItems() != itemVectors.length) {
            throw new IllegalArgumentException("the CRM scores " + crm.numUsers() + " users and " + crm.numItems()
                    + " items, the tables hold " + userVectors.length + " and " + itemVectors.length);
        }
        return build(userVectors, itemVectors, featureSize, hidden, 0, crm, seed);
    }

    private static FeatureEnhancedCrm build(float[][] userVectors, float[][] itemVectors, int featureSize, int hidden,
                                            double crmWeight, Recommender crm, long seed) {
        if (userVectors.length == 0 || itemVectors.length == 0) {
            throw new IllegalArgumentException("the CRM has no users or no items");
        }
        int d = userVectors[0].length;
        if (itemVectors[0].length != d) {
            throw new IllegalArgumentException("user vectors have " + d + " values, item vectors " + itemVectors[0].length);
        }
        if (featureSize <= 0 || hidden <= 0) {
            throw new UsageException("featureSize and hidden must be > 0, got " + featureSize + " and " + hidden);
        }
        int in = 3 * d + featureSize;
        float[] w = new float[in * hidden];
        SplittableRandom r = new SplittableRandom(seed);
        double bound = 0.1 * Math.sqrt(6.0 / in);
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        float[] w2 = new float[hidden];
        double bound2 = Math.sqrt(6.0 / hidden);
        for (int k = 0; k < hidden; k++) {
            w2[k] = (float) ((2 * r.nextDouble() - 1) * bound2 * 0.1);
        }
        ParameterSet ps = ParameterSet.of(
                Parameter.table(USERS, userVectors.length, d, RowMajor.table(userVectors, d)),
                Parameter.table(ITEMS, itemVectors.length, d, RowMajor.table(itemVectors, d)),
                Parameter.dense("drs.w1", in, hidden, w),
                Parameter.dense("drs.b1", 1, hidden, new float[hidden]),
                Parameter.dense("drs.w2", 1, hidden, w2),
                Parameter.dense("drs.b2", 1, 1, new float[1]),
                Parameter.dense("drs.crm_weight", 1, 1, new float[] {(float) crmWeight}),
                Parameter.dense(SCORE_WEIGHT, 1, 1, new float[] {crm == null ? 0f : 1f}));
        return new FeatureEnhancedCrm(d, featureSize, hidden, ps, crm);
    }

    /** Whether the network reads its CRM's score as an input (and so needs the CRM to load). */
    public boolean readsCrmScore() {
        return crm != null;
    }

    public ParameterSet parameters() {
        return parameters;
    }

    public int dim() {
        return dim;
    }

    public int featureSize() {
        return featureSize;
    }

    public int numUsers() {
        return users.rows();
    }

    public int numItems() {
        return items.rows();
    }

    /** Format name and version in the model file's metadata (v1 files, which had no c, still load). */
    public static final String FORMAT = "tandem-bdlm-drs";
    public static final String VERSION = "2";

    /**
     * Writes the network as one safetensors file (each parameter under its name, rows × cols)
     * with its sizes, the format and the kind of CRM whose score it reads (if any) in the metadata.
     */
    public void save(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters.list()) {
            tensors.put(p.name(), new SafetensorsWriter.Tensor(new long[] {p.rows(), p.cols()}, p.copyValues()));
        }
        SafetensorsWriter.write(file, tensors, Map.of("format", FORMAT, "format_version", VERSION, "dim",
                Integer.toString(dim), "feature_size", Integer.toString(featureSize), "hidden", Integer.toString(hidden),
                "crm_score", crm == null ? "" : crm.kind()));
    }

    /** A positive integer of the file's metadata; a missing or malformed one is refused naming the key. */
    private static int positiveMeta(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            int n = Integer.parseInt(v == null ? "" : v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the key and value
        }
        throw new DataFormatException(file, "metadata " + key + " must be a positive integer, got "
                + (v == null ? "nothing" : "'" + v + "'"));
    }

    /** Reads a network written by {@link #save} that reads no CRM score; another format or version is refused. */
    public static FeatureEnhancedCrm load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Reads a network written by {@link #save}; one that reads its CRM's score needs that CRM
     * ({@code crm}, of the kind the file names and of the tables' users and items).
     */
    public static FeatureEnhancedCrm load(Path file, Recommender crm) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, String> meta = f.metadata();
        String version = meta.get("format_version");
        if (!FORMAT.equals(meta.get("format")) || !(VERSION.equals(version) || "1".equals(version))) {
            throw new DataFormatException(file, "not a " + FORMAT + " v1 or v" + VERSION + " model (format "
                    + meta.get("format") + " v" + version + ")");
        }
        int d = positiveMeta(file, meta, "dim");
        int h = positiveMeta(file, meta, "hidden");
        int fs = positiveMeta(file, meta, "feature_size");
        String scoreKind = meta.getOrDefault("crm_score", "");
        if (!scoreKind.isEmpty() && (crm == null || !crm.kind().equals(scoreKind))) {
            throw new DataFormatException(file, "the network reads the score of a " + scoreKind + " model; load it with "
                    + "that model" + (crm == null ? "" : " (given: " + crm.kind() + ")"));
        }
        for (String name : new String[] {USERS, ITEMS}) {
            if (f.tensors().get(name) == null) {
                throw new DataFormatException(file, "tensor " + name + " is missing");
            }
        }
        float[] users = f.tensors().get(USERS).toFloatArray();
        float[] items = f.tensors().get(ITEMS).toFloatArray();
        float[][] u = RowMajor.rows(users, 0, users.length / d, d);
        float[][] i = RowMajor.rows(items, 0, items.length / d, d);
        FeatureEnhancedCrm net = scoreKind.isEmpty() ? initial(u, i, fs, h, 0L) : initialOnScores(u, i, fs, h, crm, 0L);
        for (Parameter p : net.parameters.list()) {
            var t = f.tensors().get(p.name());
            if (t == null && p.name().equals(SCORE_WEIGHT) && "1".equals(version)) {
                p.writeValues(new float[1]);
                continue;
            }
            if (t == null) {
                throw new DataFormatException(file, "tensor " + p.name() + " is missing");
            }
            p.writeValues(t.toFloatArray());
        }
        return net;
    }

    /** Click probabilities of the examples (labels ignored). */
    public float[] predict(DrsExamples x) {
        check(x);
        float[] out = new float[x.size()];
        float[] z = new float[3 * dim + featureSize];
        float[] h = new float[hidden];
        float[] s = crmLogits(x.users(), x.items());
        for (int n = 0; n < out.length; n++) {
            out[n] = (float) sigmoid(forward(x, n, s == null ? 0 : s[n], z, h));
        }
        return out;
    }

    /**
     * Mean BCE loss of the examples at {@code rows}, whose gradient is added to the parameters'
     * (already zeroed) gradients.
     */
    double accumulateGradients(DrsExamples x, int[] rows) {
        int in = 3 * dim + featureSize;
        float[] z = new float[in];
        float[] h = new float[hidden];
        float[] dh = new float[hidden];
        float[] dz = new float[in];
        float[] gw1 = w1.grad();
        float[] gb1 = b1.grad();
        float[] gw2 = w2.grad();
        float[] wv1 = w1.value();
        float[] wv2 = w2.value();
        float av = a.value()[0];
        double loss = 0;
        float scale = 1f / rows.length;
        float[] s = null;
        if (crm != null) {
            int[] us = new int[rows.length];
            int[] is = new int[rows.length];
            for (int k = 0; k < rows.length; k++) {
                us[k] = x.users()[rows[k]];
                is[k] = x.items()[rows[k]];
            }
            s = crmLogits(us, is);
        }
        for (int e = 0; e < rows.length; e++) {
            int n = rows[e];
            float sn = s == null ? 0f : s[e];
            double logit = forward(x, n, sn, z, h);
            double p = sigmoid(logit);
            float y = x.labels()[n];
            loss += y > 0 ? -logLeft(logit) : -logLeft(-logit);
            float g = (float) (p - y) * scale;
            int uo = x.users()[n] * dim;
            int io = x.items()[n] * dim;
            float[] uv = users.value();
            float[] iv = items.value();
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                dot += uv[uo + j] * iv[io + j];
            }
            a.grad()[0] += (float) (g * dot);
            c.grad()[0] += g * sn;
            b2.grad()[0] += g;
            for (int k = 0; k < hidden; k++) {
                gw2[k] += g * h[k];
                dh[k] = h[k] > 0 ? g * wv2[k] : 0f;
                gb1[k] += dh[k];
            }
            Arrays.fill(dz, 0f);
            for (int r = 0; r < in; r++) {
                float zr = z[r];
                int o = r * hidden;
                float acc = 0f;
                for (int k = 0; k < hidden; k++) {
                    gw1[o + k] += zr * dh[k];
                    acc += wv1[o + k] * dh[k];
                }
                dz[r] = acc;
            }
            int us = users.gradSlot(x.users()[n]);
            int is = items.gradSlot(x.items()[n]);
            float[] gu = users.slotGrad();
            float[] gi = items.slotGrad();
            for (int j = 0; j < dim; j++) {
                float eu = uv[uo + j];
                float ei = iv[io + j];
                gu[us + j] += dz[j] + dz[2 * dim + j] * ei + av * g * ei;
                gi[is + j] += dz[dim + j] + dz[2 * dim + j] * eu + av * g * eu;
            }
        }
        return loss / rows.length;
    }

    /**
     * The CRM's scores of the pairs as the input s(u, i): logits of its probabilities (clamped
     * away from 0 and 1), a ranking score as it is; null when the network reads no CRM score.
     */
    private float[] crmLogits(int[] us, int[] is) {
        if (crm == null) {
            return null;
        }
        float[] s = crm.score(us, is);
        return crm.scoreKind() == Recommender.ScoreKind.PROBABILITY ? Logistic.logits(s) : s;
    }

    /** The logit of example n with the CRM's score {@code crmLogit}; fills z (input) and h (post-ReLU hidden). */
    private double forward(DrsExamples x, int n, float crmLogit, float[] z, float[] h) {
        float[] uv = users.value();
        float[] iv = items.value();
        int uo = x.users()[n] * dim;
        int io = x.items()[n] * dim;
        double dot = 0;
        for (int j = 0; j < dim; j++) {
            float eu = uv[uo + j];
            float ei = iv[io + j];
            z[j] = eu;
            z[dim + j] = ei;
            z[2 * dim + j] = eu * ei;
            dot += eu * ei;
        }
        System.arraycopy(x.features(), n * featureSize, z, 3 * dim, featureSize);
        float[] wv1 = w1.value();
        float[] bv1 = b1.value();
        for (int k = 0; k < hidden; k++) {
            h[k] = bv1[k];
        }
        for (int r = 0; r < z.length; r++) {
            float zr = z[r];
            if (zr == 0f) {
                continue;
            }
            int o = r * hidden;
            for (int k = 0; k < hidden; k++) {
                h[k] += zr * wv1[o + k];
            }
        }
        double out = a.value()[0] * dot + c.value()[0] * crmLogit + b2.value()[0];
        float[] wv2 = w2.value();
        for (int k = 0; k < hidden; k++) {
            h[k] = Math.max(0f, h[k]);
            out += wv2[k] * h[k];
        }
        return out;
    }

    private void check(DrsExamples x) {
        if (x.featureSize() != featureSize) {
            throw new IllegalArgumentException("examples carry features of " + x.featureSize() + ", the network takes "
                    + featureSize);
        }
        for (int n = 0; n < x.size(); n++) {
            if (x.users()[n] < 0 || x.users()[n] >= numUsers() || x.items()[n] < 0 || x.items()[n] >= numItems()) {
                throw new IllegalArgumentException("example " + n + ": user " + x.users()[n] + " or item " + x.items()[n]
                        + " outside " + numUsers() + " users and " + numItems() + " items");
            }
        }
    }

    static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** log σ(v), stable for large |v|. */
    static double logLeft(double v) {
        return v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
    }
}
