package org.tandemrec.data.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.InteractionTable;

/**
 * Turns the latent world into interactions: who is exposed to what (popularity, taste, topic
 * stickiness, latent style, cold items in the far tail), when, and with which rating. Works on
 * primitive arrays only; each exposure costs O(K) for the topic draw plus O(1) alias draws per
 * attempt. Style enters by rejection: a draw from the popularity/topic weights is kept with
 * probability exp(γ·(⟨s_u, s_i⟩ − max_j ⟨s_u, s_j⟩)), which makes the kept draws exactly
 * proportional to weight · exp(γ·⟨s_u, s_i⟩) ({@link SyntheticTruth#exposureProbabilities}).
 */
final class InteractionSimulator {
    /** Draws that met an already seen item before falling back to a scan for an unseen warm item. */
    private static final int MAX_ATTEMPTS = 100;
    /**
     * Style rejections inside one branch before its last draw is kept; at the default style the
     * mean acceptance is about one in ten, so the bound is never met in practice.
     */
    private static final int MAX_STYLE_DRAWS = 100_000;
    /** Latent cut-offs of the star rating: liked → 5 above {@code FIVE}, else 4; not liked → 3, 2, 1. */
    static final double FIVE = 1.0;
    static final double THREE = -1.0;
    static final double TWO = -2.5;

    private final SyntheticConfig config;
    private final SyntheticTruth truth;
    private final int[] warmByRank;
    private final int[] coldItems;
    private final int[] itemMainTopic;
    private final double coldDraw;
    private final AliasTable global;
    private final AliasTable[] warmByTopic;
    private final AliasTable[] coldByTopic;

    /**
     * @param warmByRank warm items, most popular first
     * @param coldItems the cold items
     */
    InteractionSimulator(SyntheticConfig config, SyntheticTruth truth, int[] warmByRank, int[] coldItems) {
        this.config = config;
        this.truth = truth;
        this.warmByRank = warmByRank;
        this.coldItems = coldItems;
        this.itemMainTopic = new int[config.items()];
        for (int i = 0; i < itemMainTopic.length; i++) {
            itemMainTopic[i] = truth.mainTopic(i);
        }
        int k = config.topics();
        double[] popularity = truth.itemPopularityArray();
        this.coldDraw = config.coldExposureShare();
        this.global = new AliasTable(warmByRank, gather(popularity, warmByRank));
        this.warmByTopic = new AliasTable[k];
        this.coldByTopic = new AliasTable[k];
        double[] itemTopics = truth.itemTopicsArray();
        for (int t = 0; t < k; t++) {
            double[] w = new double[warmByRank.length];
            for (int r = 0; r < w.length; r++) {
                w[r] = popularity[warmByRank[r]] * itemTopics[warmByRank[r] * k + t];
            }
            warmByTopic[t] = new AliasTable(warmByRank, positive(w));
            if (coldItems.length > 0) {
                double[] c = new double[coldItems.length];
                for (int j = 0; j < c.length; j++) {
                    c[j] = itemTopics[coldItems[j] * k + t];
                }
                coldByTopic[t] = new AliasTable(coldItems, positive(c));
            }
        }
    }

    InteractionTable simulate(SplittableRandom exposureRng, SplittableRandom timeRng, SplittableRandom ratingRng) {
        int numUsers = config.users();
        int[] perUser = activity(exposureRng);
        long total = 0;
        for (int n : perUser) {
            total += n;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new UsageException("config asks for " + total + " interactions, more than a table holds");
        }
        int n = (int) total;
        int[] users = new int[n];
        int[] items = new int[n];
        float[] ratings = new float[n];
        long[] times = new long[n];

        double[] accept = new double[config.items()];
        boolean[] seen = new boolean[config.items()];
        double[] slot = new double[Arrays.stream(perUser).max().orElse(0)];
        int row = 0;
        for (int u = 0; u < numUsers; u++) {
            int start = row;
            int prevTopic = -1;
            styleAcceptance(u, accept);
            for (int j = 0; j < perUser[u]; j++) {
                int item = nextItem(u, prevTopic, seen, accept, exposureRng);
                seen[item] = true;
                prevTopic = itemMainTopic[item];
                users[row] = u;
                items[row] = item;
                row++;
            }
            for (int r = start; r < row; r++) {
                seen[items[r]] = false;
            }
            timestamps(timeRng, perUser[u], slot, times, start);
        }
        for (int r = 0; r < n; r++) {
            ratings[r] = rating(ratingRng, truth.affinity(users[r], items[r]));
        }
        return new InteractionTable(users, items, ratings, times, numUsers, config.items());
    }

    /**
     * One exposure of {@code user} after an item of topic {@code prevTopic} (-1: none), not
     * {@code seen}: a branch (cold, taste, popularity) and topic are chosen, then an item of that
     * branch is drawn and kept with probability {@code accept[item]} (redrawn inside the branch
     * otherwise, so each branch keeps its share); an item already seen starts over.
     */
    int nextItem(int user, int prevTopic, boolean[] seen, double[] accept, SplittableRandom rng) {
        int k = config.topics();
        double[] taste = truth.userTasteArray();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            double r = rng.nextDouble();
            AliasTable branch;
            if (r < coldDraw) {
                branch = coldByTopic[topic(rng, taste, user * k, k, prevTopic)];
            } else if (rng.nextDouble() < config.tasteExposure()) {
                branch = warmByTopic[topic(rng, taste, user * k, k, prevTopic)];
            } else {
                branch = global;
            }
            int candidate = styled(branch, accept, rng);
            if (!seen[candidate]) {
                return candidate;
            }
        }
        return unseenWarm(rng, seen);
    }

    /** A draw of {@code branch} kept with probability {@code accept[item]}: ∝ weight · accept. */
    private static int styled(AliasTable branch, double[] accept, SplittableRandom rng) {
        int candidate = branch.sample(rng);
        for (int t = 0; t < MAX_STYLE_DRAWS && accept[candidate] < 1 && rng.nextDouble() >= accept[candidate]; t++) {
            candidate = branch.sample(rng);
        }
        return candidate;
    }

    /** exp(γ·(⟨s_u, s_i⟩ − max_j ⟨s_u, s_j⟩)) for every item: the chance a draw of i is kept. */
    void styleAcceptance(int user, double[] out) {
        double gamma = config.styleExposure();
        if (gamma == 0 || config.styleFactors() == 0) {
            Arrays.fill(out, 1);
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < out.length; i++) {
            out[i] = truth.styleMatch(user, i);
            max = Math.max(max, out[i]);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(gamma * (out[i] - max));
        }
    }

    /**
     * Interactions per user: log-normal activity scaled to the target, at least the configured
     * minimum and at most half the warm items (so exposure without repeats stays cheap).
     */
    private int[] activity(SplittableRandom rng) {
        int numUsers = config.users();
        double sigma = config.activitySpread();
        double[] weight = new double[numUsers];
        double sum = 0;
        for (int u = 0; u < numUsers; u++) {
            weight[u] = Math.exp(sigma * rng.nextGaussian());
            sum += weight[u];
        }
        int cap = warmByRank.length / 2;
        int[] perUser = new int[numUsers];
        for (int u = 0; u < numUsers; u++) {
            long want = Math.round(config.targetInteractions() * weight[u] / sum);
            perUser[u] = (int) Math.max(config.minUserInteractions(), Math.min(cap, want));
        }
        return perUser;
    }

    /** The previous item's main topic with the stickiness probability, else a draw from θ_u. */
    private int topic(SplittableRandom rng, double[] taste, int offset, int k, int prevTopic) {
        if (prevTopic >= 0 && rng.nextDouble() < config.topicStickiness()) {
            return prevTopic;
        }
        double r = rng.nextDouble();
        double cumulative = 0;
        for (int t = 0; t < k; t++) {
            cumulative += taste[offset + t];
            if (r < cumulative) {
                return t;
            }
        }
        return SyntheticTruth.argmax(taste, offset, k);
    }

    /** A warm item the user has not seen; exists because a user sees at most half the warm items. */
    private int unseenWarm(SplittableRandom rng, boolean[] seen) {
        int start = rng.nextInt(warmByRank.length);
        for (int s = 0; s < warmByRank.length; s++) {
            int item = warmByRank[(start + s) % warmByRank.length];
            if (!seen[item]) {
                return item;
            }
        }
        throw new IllegalStateException("user has seen every warm item");
    }

    /**
     * The user's {@code count} timestamps, strictly increasing, inside an activity window that
     * starts in the first 60 % of the span and covers 20–100 % of what remains.
     */
    private void timestamps(SplittableRandom rng, int count, double[] slot, long[] out, int offset) {
        long start = config.startEpochSeconds();
        long duration = config.durationSeconds();
        double windowStart = rng.nextDouble() * 0.6 * duration;
        // Keep count seconds in reserve so that forcing strict increase cannot leave the span.
        double room = duration - count - windowStart;
        double length = (0.2 + 0.8 * rng.nextDouble()) * room;
        for (int j = 0; j < count; j++) {
            slot[j] = windowStart + rng.nextDouble() * length;
        }
        Arrays.sort(slot, 0, count);
        long prev = Long.MIN_VALUE;
        for (int j = 0; j < count; j++) {
            long t = start + (long) slot[j];
            if (t <= prev) {
                t = prev + 1;
            }
            out[offset + j] = t;
            prev = t;
        }
    }

    /**
     * Liked with probability σ(a); the star within liked (4–5) or not liked (1–3) follows the
     * noisy latent a + noise·ε, so higher affinity also means more stars inside each group.
     */
    private float rating(SplittableRandom rng, double affinity) {
        boolean liked = rng.nextDouble() < SyntheticTruth.sigmoid(affinity);
        double z = affinity + config.ratingNoise() * rng.nextGaussian();
        if (liked) {
            return z >= FIVE ? 5f : 4f;
        }
        return z >= THREE ? 3f : z >= TWO ? 2f : 1f;
    }

    /** The weights, or uniform ones when all underflowed to zero (a topic no item carries). */
    private static double[] positive(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        if (!(sum > 0)) {
            Arrays.fill(w, 1);
        }
        return w;
    }

    private static double[] gather(double[] values, int[] idx) {
        double[] out = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
            out[j] = values[idx[j]];
        }
        return out;
    }
}
