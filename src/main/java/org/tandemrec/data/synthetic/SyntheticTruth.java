package org.tandemrec.data.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The hidden parameters of a synthetic world, from which two truths follow (see {@link
 * SyntheticWorld} for the whole story):
 * <ul>
 *   <li>the like probability of any user–item pair,
 *       {@code p(u,i) = σ(scale·⟨θ_u, φ_i⟩ + β·⟨s_u, s_i⟩ + b_i + b_u + c)} with θ_u the user's
 *       topic taste (K-simplex), φ_i the item's topic mixture (K-simplex), s_u and s_i the latent
 *       style vectors (F dimensions, stated by no text), b_i the item quality bias, b_u the user
 *       bias and c the global offset — the ceiling of the CTR task;</li>
 *   <li>the exposure distribution, the probability that the user's next interaction is item i
 *       ({@link #exposureProbabilities}) — the ceiling of top-K recommendation and interaction
 *       prediction, which ask which items a user meets, not which they like.</li>
 * </ul>
 *
 * <p>Indexes are the dense indexes of the generated {@link org.tandemrec.data.Dataset}: user
 * index u has raw id {@link #userRawId(int)}, item index i has {@link #itemRawId(int)}.
 * Immutable; saved as {@value #FILE_NAME} in the dataset directory by {@link #save} and read
 * back by {@link #load} (format in {@link TruthFile}).
 */
public final class SyntheticTruth {
    /** Conventional file name of the truth in a dataset directory. */
    public static final String FILE_NAME = "truth.bin";

    private final SyntheticConfig config;
    private final int users;
    private final int items;
    private final int topics;
    private final double[] userTaste;
    private final double[] userBias;
    private final double[] itemTopics;
    private final double[] itemBias;
    private final boolean[] cold;
    private final int factors;
    private final double[] userStyle;
    private final double[] itemStyle;
    private final double[] itemPopularity;

    /**
     * Takes ownership of the arrays.
     *
     * @param userTaste row-major [U × K] taste vectors
     * @param itemTopics row-major [M × K] topic mixtures
     * @param userStyle row-major [U × F] style vectors
     * @param itemStyle row-major [M × F] style vectors
     * @param itemPopularity [M] exposure weight w_i of warm items (Zipf–Mandelbrot by rank), 0 for cold items
     */
    SyntheticTruth(SyntheticConfig config, double[] userTaste, double[] userBias,
                   double[] itemTopics, double[] itemBias, boolean[] cold,
                   double[] userStyle, double[] itemStyle, double[] itemPopularity) {
        this.config = Objects.requireNonNull(config, "config");
        this.users = config.users();
        this.items = config.items();
        this.topics = config.topics();
        requireLength("userTaste", userTaste.length, (long) users * topics);
        requireLength("userBias", userBias.length, users);
        requireLength("itemTopics", itemTopics.length, (long) items * topics);
        requireLength("itemBias", itemBias.length, items);
        requireLength("cold", cold.length, items);
        this.factors = config.styleFactors();
        requireLength("userStyle", userStyle.length, (long) users * factors);
        requireLength("itemStyle", itemStyle.length, (long) items * factors);
        requireLength("itemPopularity", itemPopularity.length, items);
        for (int i = 0; i < items; i++) {
            if (cold[i] ? itemPopularity[i] != 0 : !(itemPopularity[i] > 0)) {
                throw new IllegalArgumentException("itemPopularity of " + (cold[i] ? "cold" : "warm") + " item " + i
                        + " is " + itemPopularity[i] + (cold[i] ? ", expected 0" : ", expected > 0"));
            }
        }
        this.userStyle = userStyle;
        this.itemStyle = itemStyle;
        this.itemPopularity = itemPopularity;
        this.userTaste = userTaste;
        this.userBias = userBias;
        this.itemTopics = itemTopics;
        this.itemBias = itemBias;
        this.cold = cold;
    }

    private static void requireLength(String field, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(field + " has " + actual + " values, expected " + expected);
        }
    }

    /** The configuration the world was generated from, including the logistic parameters. */
    public SyntheticConfig config() {
        return config;
    }

    public int numUsers() {
        return users;
    }

    public int numItems() {
        return items;
    }

    public int numTopics() {
        return topics;
    }

    public List<String> topicNames() {
        return TopicCatalog.names(topics);
    }

    /**
     * The affinity a(u,i) = scale·⟨θ_u, φ_i⟩ + β·⟨s_u, s_i⟩ + b_i + b_u + c, the logit of
     * {@link #probability}.
     */
    public double affinity(int user, int item) {
        Objects.checkIndex(user, users);
        Objects.checkIndex(item, items);
        double dot = dot(userTaste, user * topics, itemTopics, item * topics, topics);
        return config.logisticScale() * dot + config.styleAffinity() * styleMatch(user, item) + itemBias[item]
                + userBias[user] + config.globalOffset();
    }

    /** ⟨s_u, s_i⟩, the match of the user's and the item's latent style (0 without style factors). */
    public double styleMatch(int user, int item) {
        Objects.checkIndex(user, users);
        Objects.checkIndex(item, items);
        return dot(userStyle, user * factors, itemStyle, item * factors, factors);
    }

    static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += a[ao + k] * b[bo + k];
        }
        return s;
    }

    /**
     * The probability that the user's next interaction is each item, given the item before it
     * ({@code -1}: none) — the generator's exposure process (see {@link SyntheticWorld}):
     * <pre>
     *   P(t)      = stickiness·[t = main topic of the previous item] + (1 − stickiness)·θ_ut
     *               (θ_ut alone without a previous item)
     *   e_i       = exp(γ·⟨s_u, s_i⟩)
     *   warm i:   (1 − q)·[τ·Σ_t P(t)·w_i φ_it e_i / Z_t + (1 − τ)·w_i e_i / Z]
     *   cold i:   q·Σ_t P(t)·φ_it e_i / Z^cold_t
     * </pre>
     * with q the cold exposure share, τ the taste exposure share, w_i the popularity weight and
     * the Z's normalising each branch over its items. The generator redraws items the user has
     * already met, so the true next-item distribution is this one restricted to unseen items and
     * renormalised: the order of any set of unseen candidates is the same. O(M·(K + F)).
     *
     * @return [M] probabilities summing to 1
     */
    public double[] exposureProbabilities(int user, int previousItem) {
        Objects.checkIndex(user, users);
        if (previousItem != -1) {
            Objects.checkIndex(previousItem, items);
        }
        double gamma = config.styleExposure();
        double[] e = new double[items];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < items; i++) {
            e[i] = gamma * dot(userStyle, user * factors, itemStyle, i * factors, factors);
            max = Math.max(max, e[i]);
        }
        for (int i = 0; i < items; i++) {
            e[i] = Math.exp(e[i] - max); // a common factor: every branch is normalised
        }
        double[] topicZ = new double[topics];
        double[] coldZ = new double[topics];
        double globalZ = 0;
        for (int i = 0; i < items; i++) {
            int io = i * topics;
            if (cold[i]) {
                for (int t = 0; t < topics; t++) {
                    coldZ[t] += itemTopics[io + t] * e[i];
                }
            } else {
                double we = itemPopularity[i] * e[i];
                globalZ += we;
                for (int t = 0; t < topics; t++) {
                    topicZ[t] += we * itemTopics[io + t];
                }
            }
        }
        double stick = previousItem >= 0 ? config.topicStickiness() : 0;
        int prevTopic = previousItem >= 0 ? mainTopic(previousItem) : -1;
        double q = config.coldExposureShare();
        double tau = config.tasteExposure();
        double[] topicWarm = new double[topics];
        double[] topicCold = new double[topics];
        for (int t = 0; t < topics; t++) {
            double pt = (1 - stick) * userTaste[user * topics + t] + (t == prevTopic ? stick : 0);
            topicWarm[t] = topicZ[t] > 0 ? (1 - q) * tau * pt / topicZ[t] : 0;
            topicCold[t] = coldZ[t] > 0 ? q * pt / coldZ[t] : 0;
        }
        double global = globalZ > 0 ? (1 - q) * (1 - tau) / globalZ : 0;
        double[] p = new double[items];
        for (int i = 0; i < items; i++) {
            int io = i * topics;
            double s = 0;
            if (cold[i]) {
                for (int t = 0; t < topics; t++) {
                    s += topicCold[t] * itemTopics[io + t];
                }
                p[i] = s * e[i];
            } else {
                for (int t = 0; t < topics; t++) {
                    s += topicWarm[t] * itemTopics[io + t];
                }
                p[i] = (s + global) * itemPopularity[i] * e[i];
            }
        }
        return p;
    }

    /** The true probability that the user likes the item (rating ≥ 4 if they interact), for any pair. */
    public double probability(int user, int item) {
        return sigmoid(affinity(user, item));
    }

    /** The true probabilities of the pairs {@code (users[r], items[r])}: the oracle's scores. */
    public double[] oracleScores(int[] userIdx, int[] itemIdx) {
        if (userIdx.length != itemIdx.length) {
            throw new IllegalArgumentException("users length " + userIdx.length + " != items length " + itemIdx.length);
        }
        double[] p = new double[userIdx.length];
        for (int r = 0; r < p.length; r++) {
            p[r] = probability(userIdx[r], itemIdx[r]);
        }
        return p;
    }

    public boolean isCold(int item) {
        Objects.checkIndex(item, items);
        return cold[item];
    }

    public int coldCount() {
        int n = 0;
        for (boolean c : cold) {
            n += c ? 1 : 0;
        }
        return n;
    }

    /** A copy of the user's taste vector θ_u (length K, sums to 1). */
    public double[] userTaste(int user) {
        Objects.checkIndex(user, users);
        double[] t = new double[topics];
        System.arraycopy(userTaste, user * topics, t, 0, topics);
        return t;
    }

    public double userBias(int user) {
        Objects.checkIndex(user, users);
        return userBias[user];
    }

    /** A copy of the item's topic mixture φ_i (length K, sums to 1). */
    public double[] itemTopics(int item) {
        Objects.checkIndex(item, items);
        double[] t = new double[topics];
        System.arraycopy(itemTopics, item * topics, t, 0, topics);
        return t;
    }

    public double itemBias(int item) {
        Objects.checkIndex(item, items);
        return itemBias[item];
    }

    /** The topic with the largest share of the item's mixture. */
    public int mainTopic(int item) {
        Objects.checkIndex(item, items);
        return argmax(itemTopics, item * topics, topics);
    }

    /** The topic with the largest share of the user's taste. */
    public int dominantTopic(int user) {
        Objects.checkIndex(user, users);
        return argmax(userTaste, user * topics, topics);
    }

    /** Raw id of a user index: "u" and the 1-based number, zero-padded to at least four digits. */
    public String userRawId(int user) {
        Objects.checkIndex(user, users);
        return rawId('u', user, users);
    }

    /** Raw id of an item index: "i" and the 1-based number, zero-padded to at least four digits. */
    public String itemRawId(int item) {
        Objects.checkIndex(item, items);
        return rawId('i', item, items);
    }

    static String rawId(char prefix, int index, int count) {
        int width = Math.max(4, Integer.toString(count).length());
        String n = Integer.toString(index + 1);
        return prefix + "0".repeat(width - n.length()) + n;
    }

    static int argmax(double[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    static double sigmoid(double a) {
        if (a >= 0) {
            return 1 / (1 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1 + e);
    }

    /** Writes the truth to {@code file} atomically. */
    public void save(Path file) throws IOException {
        TruthFile.write(file, this);
    }

    /**
     * Reads a truth file written by {@link #save}.
     *
     * @throws org.tandemrec.data.DataFormatException on a wrong magic, format name, unknown
     *     version, truncated or trailing data, or invalid values
     */
    public static SyntheticTruth load(Path file) throws IOException {
        return TruthFile.read(file);
    }

    // Raw arrays for the file codec and the generator, not copied.
    double[] userTasteArray() {
        return userTaste;
    }

    double[] userBiasArray() {
        return userBias;
    }

    double[] itemTopicsArray() {
        return itemTopics;
    }

    double[] itemBiasArray() {
        return itemBias;
    }

    boolean[] coldArray() {
        return cold;
    }

    double[] userStyleArray() {
        return userStyle;
    }

    double[] itemStyleArray() {
        return itemStyle;
    }

    double[] itemPopularityArray() {
        return itemPopularity;
    }
}
