package org.tandemrec.data.synthetic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * Tandem's embedded default data set: a seeded synthetic world whose ground truth is known.
 *
 * <h2>Generative story</h2>
 * With K topics ({@link TopicCatalog}), U users, M items:
 * <ol>
 *   <li><b>Users.</b> Taste θ_u ~ Dirichlet(α·1_K) with α = {@code tasteConcentration} (small α:
 *       a few favourite topics); bias b_u ~ N(0, {@code userBiasSd}²). Profile fields {@code age}
 *       and {@code region}: with probability {@code profileSignal} the home bucket of the user's
 *       dominant topic (a fixed association per topic), else uniform — mild correlation.</li>
 *   <li><b>Items.</b> A random {@code coldItemShare} of items is cold; the other (warm) items are
 *       put in a random popularity order. Each item has one main topic, or two with probability
 *       {@code secondTopicShare}; its mixture φ_i puts 85 % on the main topic(s) (split
 *       U(0.35, 0.65) between two) and 15 % on a Dirichlet(0.5) background. Quality bias
 *       b_i ~ N(0, {@code itemBiasSd}²).</li>
 *   <li><b>Style.</b> Users and items have latent style vectors s_u, s_i ~ N(0, I/√F) of F =
 *       {@code styleFactors} dimensions: community taste that no title or description states, so
 *       only interaction data reveals it (what collaborative filtering learns and text cannot).</li>
 *   <li><b>Truth.</b> Affinity a(u,i) = s·⟨θ_u, φ_i⟩ + β·⟨s_u, s_i⟩ + b_i + b_u + c with
 *       s = {@code logisticScale}, β = {@code styleAffinity}, c = {@code globalOffset}; like
 *       probability p(u,i) = σ(a(u,i)) ({@link SyntheticTruth}).</li>
 *   <li><b>Text.</b> Title from the main topics' nouns, categories = the main topics' names,
 *       description from the topics' vocabularies; a cold item's description names its topics
 *       ("A story about space exploration and jazz: …") ({@link ItemTextWriter}).</li>
 *   <li><b>Exposure.</b> User u gets n_u interactions (log-normal activity with σ =
 *       {@code activitySpread}, scaled to {@code targetInteractions}, at least
 *       {@code minUserInteractions}, at most half the warm items). Each exposure is, with
 *       probability q = (#cold · {@code coldMeanInteractions}) / N, a cold item drawn through a
 *       topic (redraws after a repeat raise the cold mean: about 2 for 1 at the defaults); otherwise, with probability {@code tasteExposure}, a warm item drawn through a
 *       topic with weight w_i·φ_{i,t}; otherwise a warm item by popularity w_i alone; every weight
 *       is multiplied by exp(γ·⟨s_u, s_i⟩) with γ = {@code styleExposure}, so which items a
 *       user meets follows their taste as well as popularity. The topic is the previous item's
 *       main topic with probability {@code topicStickiness}, else drawn from θ_u. Warm
 *       popularity is Zipf–Mandelbrot: w_i = (rank_i + {@code popularityOffset})^−s with
 *       s = {@code popularityExponent}. Items already seen by the user are redrawn, so no
 *       (user, item) pair repeats. The distribution of the next item is known exactly
 *       ({@link SyntheticTruth#exposureProbabilities}): the oracle of top-K recommendation.</li>
 *   <li><b>Time.</b> Each user is active in a window inside the span; their exposures get sorted
 *       uniform times in it, strictly increasing.</li>
 *   <li><b>Ratings.</b> liked ~ Bernoulli(p(u,i)); with the latent z = a + {@code ratingNoise}·ε,
 *       a liked item gets 5 stars if z ≥ 1 else 4; a disliked one 3 if z ≥ −1, 2 if z ≥ −2.5,
 *       else 1. Hence "rating ≥ 4" is a label whose true probability is exactly p(u,i).</li>
 * </ol>
 * So a CRM can learn warm items (many interactions) and user tastes (histories concentrated on
 * liked topics), while cold items have almost no interactions but text that names their topics.
 *
 * <p>Determinism: one {@link SplittableRandom} from {@code seed} is split, in this order, into
 * the streams tastes, items, text, profiles, exposure, time, ratings and style; the same config
 * gives the same data set and truth.
 */
public final class SyntheticWorld {
    /** Data set name reported by {@link Dataset#name()}. */
    public static final String NAME = "synthetic";
    static final List<String> AGE_BUCKETS = List.of("18-24", "25-34", "35-44", "45-54", "55-64", "65+");
    static final List<String> REGIONS = List.of("north", "south", "east", "west", "central");
    /** Share of an item's mixture on its main topic(s); the rest is background. */
    static final double MAIN_TOPIC_SHARE = 0.85;

    private final Dataset dataset;
    private final SyntheticTruth truth;

    private SyntheticWorld(Dataset dataset, SyntheticTruth truth) {
        this.dataset = dataset;
        this.truth = truth;
    }

    /** Generates the world of the config; the same config always gives the same world. */
    public static SyntheticWorld generate(SyntheticConfig config) {
        Objects.requireNonNull(config, "config");
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom tastes = root.split();
        SplittableRandom itemRng = root.split();
        SplittableRandom text = root.split();
        SplittableRandom profileRng = root.split();
        SplittableRandom exposure = root.split();
        SplittableRandom time = root.split();
        SplittableRandom ratings = root.split();
        SplittableRandom style = root.split();

        int numUsers = config.users();
        int numItems = config.items();
        int k = config.topics();

        double[] userTaste = new double[numUsers * k];
        double[] userBias = new double[numUsers];
        for (int u = 0; u < numUsers; u++) {
            Dirichlet.sample(tastes, config.tasteConcentration(), userTaste, u * k, k);
            userBias[u] = config.userBiasSd() * tastes.nextGaussian();
        }

        int[] order = permutation(itemRng, numItems);
        int numCold = config.coldItems();
        int[] coldItems = new int[numCold];
        int[] warmByRank = new int[numItems - numCold];
        boolean[] cold = new boolean[numItems];
        for (int j = 0; j < numItems; j++) {
            if (j < numCold) {
                coldItems[j] = order[j];
                cold[order[j]] = true;
            } else {
                warmByRank[j - numCold] = order[j];
            }
        }
        double[] itemTopics = new double[numItems * k];
        double[] itemBias = new double[numItems];
        int[][] mainTopics = new int[numItems][];
        double[] background = new double[k];
        for (int i = 0; i < numItems; i++) {
            mainTopics[i] = itemMixture(itemRng, config, itemTopics, i * k, background);
            itemBias[i] = config.itemBiasSd() * itemRng.nextGaussian();
        }
        double[] popularity = new double[numItems];
        for (int r = 0; r < warmByRank.length; r++) {
            popularity[warmByRank[r]] = Math.pow(r + config.popularityOffset(), -config.popularityExponent());
        }
        int f = config.styleFactors();
        double styleSd = f == 0 ? 0 : Math.pow(f, -0.25);
        double[] userStyle = new double[numUsers * f];
        double[] itemStyle = new double[numItems * f];
        for (int j = 0; j < userStyle.length; j++) {
            userStyle[j] = styleSd * style.nextGaussian();
        }
        for (int j = 0; j < itemStyle.length; j++) {
            itemStyle[j] = styleSd * style.nextGaussian();
        }
        SyntheticTruth truth = new SyntheticTruth(config, userTaste, userBias, itemTopics, itemBias, cold, userStyle,
                itemStyle, popularity);

        ItemTextWriter writer = new ItemTextWriter(text);
        List<ItemInfo> info = new ArrayList<>(numItems);
        List<String> itemIds = new ArrayList<>(numItems);
        for (int i = 0; i < numItems; i++) {
            info.add(writer.write(mainTopics[i], itemTopics, i * k, k, cold[i]));
            itemIds.add(truth.itemRawId(i));
        }
        List<UserProfile> profiles = new ArrayList<>(numUsers);
        List<String> userIds = new ArrayList<>(numUsers);
        for (int u = 0; u < numUsers; u++) {
            profiles.add(profile(profileRng, config, truth.dominantTopic(u)));
            userIds.add(truth.userRawId(u));
        }

        InteractionTable table = new InteractionSimulator(config, truth, warmByRank, coldItems)
                .simulate(exposure, time, ratings);
        Dataset dataset = new Dataset(NAME, table, IdMap.of(userIds), IdMap.of(itemIds), info, profiles);
        return new SyntheticWorld(dataset, truth);
    }

    /** The generated data set: ratings 1–5 as values, raw ids "u0001…" and "i0001…". */
    public Dataset dataset() {
        return dataset;
    }

    /** The ground truth behind the data set. */
    public SyntheticTruth truth() {
        return truth;
    }

    /** Summary figures of the world (interaction counts, like rate, oracle AUC). */
    public SyntheticStats stats() {
        return SyntheticStats.of(dataset.interactions(), truth);
    }

    /**
     * Fills the item's mixture row and returns its main topics, largest share first.
     */
    private static int[] itemMixture(SplittableRandom rng, SyntheticConfig config, double[] out, int offset,
                                     double[] background) {
        int k = config.topics();
        int first = rng.nextInt(k);
        boolean two = rng.nextDouble() < config.secondTopicShare();
        int second = -1;
        if (two) {
            second = rng.nextInt(k - 1);
            if (second >= first) {
                second++;
            }
        }
        Dirichlet.sample(rng, 0.5, background, 0, k);
        for (int t = 0; t < k; t++) {
            out[offset + t] = (1 - MAIN_TOPIC_SHARE) * background[t];
        }
        if (!two) {
            out[offset + first] += MAIN_TOPIC_SHARE;
            return new int[] {first};
        }
        // The first topic takes the larger half of the main share, so it stays the main topic.
        double split = 0.35 + 0.3 * rng.nextDouble();
        double a = MAIN_TOPIC_SHARE * Math.max(split, 1 - split);
        out[offset + first] += a;
        out[offset + second] += MAIN_TOPIC_SHARE - a;
        return new int[] {first, second};
    }

    private static UserProfile profile(SplittableRandom rng, SyntheticConfig config, int dominantTopic) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("age", rng.nextDouble() < config.profileSignal()
                ? AGE_BUCKETS.get(homeAge(dominantTopic))
                : AGE_BUCKETS.get(rng.nextInt(AGE_BUCKETS.size())));
        fields.put("region", rng.nextDouble() < config.profileSignal()
                ? REGIONS.get(homeRegion(dominantTopic))
                : REGIONS.get(rng.nextInt(REGIONS.size())));
        return new UserProfile(fields);
    }

    /** The age bucket a topic's fans lean to: a fixed, arbitrary association. */
    static int homeAge(int topic) {
        return (3 * topic + 1) % AGE_BUCKETS.size();
    }

    /** The region a topic's fans lean to: a fixed, arbitrary association. */
    static int homeRegion(int topic) {
        return (2 * topic + topic / REGIONS.size()) % REGIONS.size();
    }

    private static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
