package org.tandemrec.data.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The hidden parameters of a synthetic world, from which the true like probability of any
 * user–item pair follows:
 * {@code p(u,i) = σ(scale·⟨θ_u, φ_i⟩ + b_i + b_u + c)} with θ_u the user's topic taste
 * (K-simplex), φ_i the item's topic mixture (K-simplex), b_i the item quality bias, b_u the
 * user bias and c the global offset (see {@link SyntheticWorld} for the whole story).
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

    /**
     * Takes ownership of the arrays.
     *
     * @param userTaste row-major [U × K] taste vectors
     * @param itemTopics row-major [M × K] topic mixtures
     */
    SyntheticTruth(SyntheticConfig config, double[] userTaste, double[] userBias,
                   double[] itemTopics, double[] itemBias, boolean[] cold) {
        this.config = Objects.requireNonNull(config, "config");
        this.users = config.users();
        this.items = config.items();
        this.topics = config.topics();
        requireLength("userTaste", userTaste.length, (long) users * topics);
        requireLength("userBias", userBias.length, users);
        requireLength("itemTopics", itemTopics.length, (long) items * topics);
        requireLength("itemBias", itemBias.length, items);
        requireLength("cold", cold.length, items);
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

    /** The affinity a(u,i) = scale·⟨θ_u, φ_i⟩ + b_i + b_u + c, the logit of {@link #probability}. */
    public double affinity(int user, int item) {
        Objects.checkIndex(user, users);
        Objects.checkIndex(item, items);
        double dot = 0;
        int uo = user * topics;
        int io = item * topics;
        for (int k = 0; k < topics; k++) {
            dot += userTaste[uo + k] * itemTopics[io + k];
        }
        return config.logisticScale() * dot + itemBias[item] + userBias[user] + config.globalOffset();
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
}
