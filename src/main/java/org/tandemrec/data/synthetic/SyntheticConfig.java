package org.tandemrec.data.synthetic;

import org.tandemrec.base.UsageException;

/**
 * Settings of the synthetic world ({@link SyntheticWorld} documents the generative story each
 * field enters). All defaults live in {@link #defaults()}; the {@code with…} methods change one
 * aspect and keep the rest.
 *
 * @param seed root of every random stream
 * @param users number of users
 * @param items number of items, warm and cold together
 * @param topics number of latent topics, at most {@link TopicCatalog#size()}
 * @param targetInteractions interactions to generate (met to within the rounding of per-user
 *     counts and the per-user minimum)
 * @param minUserInteractions fewest interactions any user gets
 * @param activitySpread σ of the log-normal spread of per-user activity
 * @param coldItemShare share of items that are cold (long tail): almost no exposure
 * @param coldMeanInteractions expected interactions of one cold item before redraws: an exposure
 *     that meets an item the user has already seen is drawn again, which lands on cold items
 *     more often than their share (at the defaults about 2 for 1)
 * @param popularityExponent s of the Zipf–Mandelbrot exposure weight {@code (rank + offset)^-s}
 *     of warm items
 * @param popularityOffset offset of that weight; flattens the head so the top item is not seen
 *     by every user
 * @param tasteExposure share of warm exposures chosen through the user's topics (the rest by
 *     popularity alone)
 * @param topicStickiness probability that the next browse stays in the previous item's main topic
 * @param startEpochSeconds first possible timestamp, seconds since the epoch
 * @param durationSeconds length of the time span; every timestamp is in
 *     {@code [start, start + duration)}
 * @param tasteConcentration symmetric Dirichlet α of user taste vectors (small = few topics per user)
 * @param secondTopicShare share of items with two main topics instead of one
 * @param logisticScale weight of the taste–topic match in the affinity
 * @param itemBiasSd standard deviation of the item quality bias
 * @param userBiasSd standard deviation of the user bias (generosity)
 * @param globalOffset constant of the affinity
 * @param ratingNoise standard deviation of the noise on the latent that picks the star rating
 *     within liked (4–5) or not liked (1–3)
 * @param profileSignal probability that a profile field follows the user's dominant topic
 *     instead of being uniform
 * @param styleFactors F, the dimension of the latent style vectors of users and items: taste
 *     that no text states (0: none)
 * @param styleExposure γ, how strongly style steers exposure: every exposure weight is
 *     multiplied by {@code exp(γ·⟨s_u, s_i⟩)}
 * @param styleAffinity β, weight of the style match in the affinity
 */
public record SyntheticConfig(long seed, int users, int items, int topics, int targetInteractions,
                              int minUserInteractions, double activitySpread,
                              double coldItemShare, double coldMeanInteractions,
                              double popularityExponent, double popularityOffset, double tasteExposure,
                              double topicStickiness, long startEpochSeconds, long durationSeconds,
                              double tasteConcentration, double secondTopicShare,
                              double logisticScale, double itemBiasSd, double userBiasSd, double globalOffset,
                              double ratingNoise, double profileSignal,
                              int styleFactors, double styleExposure, double styleAffinity) {

    public SyntheticConfig {
        positive("users", users);
        if (items < 2) {
            throw new UsageException("items must be >= 2, got " + items);
        }
        if (topics < 2 || topics > TopicCatalog.size()) {
            throw new UsageException("topics must be in [2," + TopicCatalog.size() + "], got " + topics);
        }
        positive("targetInteractions", targetInteractions);
        positive("minUserInteractions", minUserInteractions);
        nonNegative("activitySpread", activitySpread);
        if (!(coldItemShare >= 0 && coldItemShare < 1)) {
            throw new UsageException("coldItemShare must be in [0,1), got " + coldItemShare);
        }
        nonNegative("coldMeanInteractions", coldMeanInteractions);
        nonNegative("popularityExponent", popularityExponent);
        if (!(popularityOffset >= 1) || Double.isInfinite(popularityOffset)) {
            throw new UsageException("popularityOffset must be >= 1 and finite, got " + popularityOffset);
        }
        probability("tasteExposure", tasteExposure);
        probability("topicStickiness", topicStickiness);
        if (durationSeconds < 10L * items) {
            throw new UsageException("durationSeconds must be >= 10 * items = " + 10L * items
                    + " so every user's timestamps can increase, got " + durationSeconds);
        }
        if (startEpochSeconds < 0 || startEpochSeconds > Long.MAX_VALUE / 2 - durationSeconds) {
            throw new UsageException("startEpochSeconds must be >= 0 and leave room for the span, got "
                    + startEpochSeconds);
        }
        if (!(tasteConcentration > 0) || Double.isInfinite(tasteConcentration)) {
            throw new UsageException("tasteConcentration must be > 0 and finite, got " + tasteConcentration);
        }
        probability("secondTopicShare", secondTopicShare);
        nonNegative("logisticScale", logisticScale);
        nonNegative("itemBiasSd", itemBiasSd);
        nonNegative("userBiasSd", userBiasSd);
        if (!Double.isFinite(globalOffset)) {
            throw new UsageException("globalOffset must be finite, got " + globalOffset);
        }
        nonNegative("ratingNoise", ratingNoise);
        probability("profileSignal", profileSignal);
        if (styleFactors < 0 || styleFactors > 64) {
            throw new UsageException("styleFactors must be in [0,64], got " + styleFactors);
        }
        nonNegative("styleExposure", styleExposure);
        if (styleExposure > 20) {
            throw new UsageException("styleExposure must be <= 20 (exposure draws are accepted with"
                    + " probability exp(-styleExposure·spread)), got " + styleExposure);
        }
        nonNegative("styleAffinity", styleAffinity);

        int cold = coldItems(items, coldItemShare);
        int warm = items - cold;
        if (warm < 2) {
            throw new UsageException("coldItemShare " + coldItemShare + " leaves " + warm
                    + " warm items of " + items + "; need at least 2");
        }
        long maxPerUser = warm / 2;
        if (minUserInteractions > maxPerUser) {
            throw new UsageException("minUserInteractions must be <= half the warm items (" + maxPerUser
                    + "), got " + minUserInteractions);
        }
        if ((double) targetInteractions / users > maxPerUser / 2.0) {
            throw new UsageException("targetInteractions must be <= users * warm items / 4 = "
                    + (long) users * warm / 4 + " (a sparse matrix), got " + targetInteractions);
        }
        if (cold * coldMeanInteractions > 0.5 * targetInteractions) {
            throw new UsageException("coldMeanInteractions " + coldMeanInteractions + " x " + cold
                    + " cold items exceeds half of targetInteractions " + targetInteractions);
        }
    }

    /**
     * Two thousand users, 1,500 items (20 % cold, about two interactions each), twelve topics,
     * 100,000 interactions over three years; six style factors that steer exposure (γ 2) and
     * affinity (β 1).
     */
    public static SyntheticConfig defaults() {
        return new SyntheticConfig(42L, 2000, 1500, 12, 100_000,
                5, 0.6,
                0.2, 1.0,
                1.0, 15.0, 0.65,
                0.3, 1_577_836_800L /* 2020-01-01 */, 3L * 365 * 24 * 3600,
                0.2, 0.4,
                9.0, 0.8, 0.5, -1.4,
                0.8, 0.4,
                6, 2.0, 1.0);
    }

    /** Number of cold items for the given item count and share. */
    public static int coldItems(int items, double coldItemShare) {
        return (int) Math.round(items * coldItemShare);
    }

    public int coldItems() {
        return coldItems(items, coldItemShare);
    }

    public SyntheticConfig withSeed(long newSeed) {
        return new SyntheticConfig(newSeed, users, items, topics, targetInteractions, minUserInteractions,
                activitySpread, coldItemShare, coldMeanInteractions, popularityExponent, popularityOffset,
                tasteExposure, topicStickiness, startEpochSeconds, durationSeconds, tasteConcentration,
                secondTopicShare, logisticScale, itemBiasSd, userBiasSd, globalOffset, ratingNoise, profileSignal,
                styleFactors, styleExposure, styleAffinity);
    }

    /**
     * Another number of users and items with the same mean interactions per user (the target
     * scales with the users) and the same shares; the time span grows if the items need it. A
     * catalog too small for that mean keeps the matrix sparse instead: the target is capped at the
     * largest one allowed (a quarter of the warm items per user).
     */
    public SyntheticConfig withSize(int newUsers, int newItems) {
        long target = Math.round((double) targetInteractions / users * newUsers);
        long sparse = (long) newUsers * ((newItems - coldItems(newItems, coldItemShare)) / 2) / 2;
        target = Math.min(target, Math.max(1, sparse));
        if (target > Integer.MAX_VALUE) {
            throw new UsageException("users " + newUsers + " would need " + target
                    + " interactions, more than an int table holds");
        }
        return withSize(newUsers, newItems, (int) target);
    }

    /** Another number of users, items and interactions, with the same shares; the time span grows if the items need it. */
    public SyntheticConfig withSize(int newUsers, int newItems, int newTarget) {
        return new SyntheticConfig(seed, newUsers, newItems, topics, newTarget, minUserInteractions,
                activitySpread, coldItemShare, coldMeanInteractions, popularityExponent, popularityOffset,
                tasteExposure, topicStickiness, startEpochSeconds, Math.max(durationSeconds, 10L * newItems),
                tasteConcentration, secondTopicShare, logisticScale, itemBiasSd, userBiasSd, globalOffset,
                ratingNoise, profileSignal, styleFactors, styleExposure, styleAffinity);
    }

    public SyntheticConfig withTargetInteractions(int newTarget) {
        return new SyntheticConfig(seed, users, items, topics, newTarget, minUserInteractions,
                activitySpread, coldItemShare, coldMeanInteractions, popularityExponent, popularityOffset,
                tasteExposure, topicStickiness, startEpochSeconds, durationSeconds, tasteConcentration,
                secondTopicShare, logisticScale, itemBiasSd, userBiasSd, globalOffset, ratingNoise, profileSignal,
                styleFactors, styleExposure, styleAffinity);
    }

    /** The same world with another style: F factors, exposure weight γ, affinity weight β. */
    public SyntheticConfig withStyle(int factors, double exposure, double affinity) {
        return new SyntheticConfig(seed, users, items, topics, targetInteractions, minUserInteractions,
                activitySpread, coldItemShare, coldMeanInteractions, popularityExponent, popularityOffset,
                tasteExposure, topicStickiness, startEpochSeconds, durationSeconds, tasteConcentration,
                secondTopicShare, logisticScale, itemBiasSd, userBiasSd, globalOffset, ratingNoise, profileSignal,
                factors, exposure, affinity);
    }

    /**
     * Share of exposures that go to cold items, so that each gets {@code coldMeanInteractions}
     * on average: #cold · coldMean / targetInteractions.
     */
    public double coldExposureShare() {
        return coldItems() * coldMeanInteractions / targetInteractions;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new UsageException(field + " must be > 0, got " + value);
        }
    }

    private static void nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new UsageException(field + " must be >= 0 and finite, got " + value);
        }
    }

    private static void probability(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new UsageException(field + " must be in [0,1], got " + value);
        }
    }
}
