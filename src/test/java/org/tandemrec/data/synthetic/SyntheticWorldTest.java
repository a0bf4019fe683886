package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;

/** Properties of the default synthetic world, checked from the generative story. */
class SyntheticWorldTest {
    private static final SyntheticConfig CONFIG = SyntheticConfig.defaults();
    private static SyntheticWorld world;
    private static SyntheticStats stats;

    @BeforeAll
    static void generate() {
        world = SyntheticWorld.generate(CONFIG);
        stats = world.stats();
        System.out.println("default synthetic world: " + stats);
    }

    @Test
    void sameConfigGivesIdenticalWorld() {
        SyntheticWorld again = SyntheticWorld.generate(CONFIG);
        InteractionTable a = world.dataset().interactions();
        InteractionTable b = again.dataset().interactions();
        assertArrayEquals(a.userColumn(), b.userColumn());
        assertArrayEquals(a.itemColumn(), b.itemColumn());
        assertArrayEquals(a.valueColumn(), b.valueColumn());
        assertArrayEquals(a.timestampColumn(), b.timestampColumn());
        assertEquals(world.dataset().itemInfo(), again.dataset().itemInfo());
        assertEquals(world.dataset().userProfiles(), again.dataset().userProfiles());
        assertArrayEquals(world.truth().userTasteArray(), again.truth().userTasteArray());
        assertArrayEquals(world.truth().userBiasArray(), again.truth().userBiasArray());
        assertArrayEquals(world.truth().itemTopicsArray(), again.truth().itemTopicsArray());
        assertArrayEquals(world.truth().itemBiasArray(), again.truth().itemBiasArray());
        assertArrayEquals(world.truth().coldArray(), again.truth().coldArray());

        SyntheticWorld other = SyntheticWorld.generate(CONFIG.withSeed(CONFIG.seed() + 1));
        assertFalse(Arrays.equals(a.itemColumn(), other.dataset().interactions().itemColumn()));
    }

    @Test
    void sizesIdsAndRatings() {
        Dataset d = world.dataset();
        assertEquals(SyntheticWorld.NAME, d.name());
        assertEquals(CONFIG.users(), d.numUsers());
        assertEquals(CONFIG.items(), d.numItems());
        assertEquals("u0001", d.users().raw(0));
        assertEquals("u2000", d.users().raw(1999));
        assertEquals("i0001", d.items().raw(0));
        assertEquals("i1500", d.items().raw(1499));
        InteractionTable t = d.interactions();
        // Per-user counts are rounded and floored at the minimum: within 2 % of the target.
        assertEquals(CONFIG.targetInteractions(), t.size(), 0.02 * CONFIG.targetInteractions());
        int[] perUser = t.userCounts();
        for (int u = 0; u < perUser.length; u++) {
            assertTrue(perUser[u] >= CONFIG.minUserInteractions(), "user " + u + " has " + perUser[u]);
        }
        for (int r = 0; r < t.size(); r++) {
            float v = t.value(r);
            assertTrue(v >= 1 && v <= 5 && v == Math.rint(v), "row " + r + " rating " + v);
        }
    }

    @Test
    void noUserItemPairRepeats() {
        InteractionTable t = world.dataset().interactions();
        long[] keys = new long[t.size()];
        for (int r = 0; r < keys.length; r++) {
            keys[r] = (long) t.user(r) * t.numItems() + t.item(r);
        }
        Arrays.sort(keys);
        for (int r = 1; r < keys.length; r++) {
            assertNotEquals(keys[r - 1], keys[r], "duplicate pair at sorted position " + r);
        }
    }

    @Test
    void timestampsIncreaseWithinUserAndLieInSpan() {
        InteractionTable t = world.dataset().interactions();
        long start = CONFIG.startEpochSeconds();
        long end = start + CONFIG.durationSeconds();
        for (int r = 0; r < t.size(); r++) {
            assertTrue(t.timestamp(r) >= start && t.timestamp(r) < end, "row " + r + " time " + t.timestamp(r));
            if (r > 0) {
                assertTrue(t.user(r) >= t.user(r - 1), "rows are grouped by user");
                if (t.user(r) == t.user(r - 1)) {
                    assertTrue(t.timestamp(r) > t.timestamp(r - 1), "row " + r + " time does not increase");
                }
            }
        }
    }

    @Test
    void coldItemsAreRareButNameTheirTopics() {
        SyntheticTruth truth = world.truth();
        assertEquals(CONFIG.coldItems(), stats.coldItems());
        // Redraws of items a user has already met land more often on cold items (style makes users
        // meet the same warm items again), which about doubles the configured cold share.
        assertTrue(stats.meanColdInteractions() >= CONFIG.coldMeanInteractions()
                && stats.meanColdInteractions() < 2.5 * CONFIG.coldMeanInteractions(), stats.toString());
        assertTrue(stats.meanColdInteractions() * 20 < stats.meanWarmInteractions(), stats.toString());
        // Style makes some cold items a little busier and some warm items quieter, so the two
        // are told apart as evaluation does: by fewer than five interactions.
        int[] counts = world.dataset().interactions().itemCounts();
        int rareCold = 0;
        int rareWarm = 0;
        for (int i = 0; i < counts.length; i++) {
            if (truth.isCold(i)) {
                rareCold += counts[i] < 5 ? 1 : 0;
            } else {
                rareWarm += counts[i] < 5 ? 1 : 0;
            }
        }
        assertTrue(rareCold > 0.85 * stats.coldItems(), rareCold + " of " + stats.coldItems() + " cold items are rare");
        assertTrue(rareWarm < 0.02 * stats.warmItems(), rareWarm + " of " + stats.warmItems() + " warm items are rare");
        List<String> names = truth.topicNames();
        for (int i = 0; i < truth.numItems(); i++) {
            ItemInfo info = world.dataset().itemInfo().get(i);
            assertFalse(info.title().isEmpty());
            assertTrue(info.categories().contains(names.get(truth.mainTopic(i))), "item " + i + " " + info);
            if (truth.isCold(i)) {
                assertTrue(info.description().startsWith("A story about "), info.description());
                for (String category : info.categories()) {
                    assertTrue(info.description().contains(category), "item " + i + " " + info);
                }
            }
        }
    }

    @Test
    void titlesAreUniqueAndVocabulariesDisjoint() {
        Set<String> titles = new HashSet<>();
        for (ItemInfo info : world.dataset().itemInfo()) {
            assertTrue(titles.add(info.title()), "duplicate title " + info.title());
        }
        Set<String> phrases = new HashSet<>();
        for (int t = 0; t < TopicCatalog.size(); t++) {
            for (String p : TopicCatalog.topic(t).vocabulary()) {
                assertTrue(phrases.add(p), "phrase '" + p + "' belongs to two topics");
            }
        }
    }

    /**
     * With liked ~ Bernoulli(p) independently, the like count has mean Σp and variance
     * Σp(1−p): the empirical like rate must be within a few standard errors of mean p.
     */
    @Test
    void ratingAtLeastFourIsCalibratedToTruth() {
        InteractionTable t = world.dataset().interactions();
        double sumP = 0;
        double var = 0;
        int likes = 0;
        for (int r = 0; r < t.size(); r++) {
            double p = world.truth().probability(t.user(r), t.item(r));
            sumP += p;
            var += p * (1 - p);
            likes += t.value(r) >= 4 ? 1 : 0;
        }
        double se = Math.sqrt(var) / t.size();
        assertEquals(sumP / t.size(), (double) likes / t.size(), 4 * se);
        assertEquals(stats.likeRate(), (double) likes / t.size(), 1e-12);
    }

    /**
     * The oracle's AUC is high, and matches the AUC expected from the probabilities alone:
     * E[AUC] ≈ Σ_{i,j: p_i > p_j} p_i(1−p_j) / (Σ_i p_i · Σ_j (1−p_j) − Σ_i p_i(1−p_i)).
     */
    @Test
    void oracleAucIsHighAndMatchesItsExpectation() {
        InteractionTable t = world.dataset().interactions();
        double[] p = world.truth().oracleScores(t.userColumn(), t.itemColumn());
        double[] sorted = p.clone();
        Arrays.sort(sorted);
        double numerator = 0;
        double negBelow = 0;
        double sumP = 0;
        double sumQ = 0;
        double self = 0;
        for (int a = 0; a < sorted.length; ) {
            int b = a;
            double tieNeg = 0;
            double tiePos = 0;
            while (b < sorted.length && sorted[b] == sorted[a]) {
                tieNeg += 1 - sorted[b];
                tiePos += sorted[b];
                b++;
            }
            numerator += tiePos * negBelow;
            // Pairs within a tie count one half, excluding each element with itself.
            numerator += 0.5 * (tiePos * tieNeg - sumSelf(sorted, a, b));
            negBelow += tieNeg;
            a = b;
        }
        for (double v : p) {
            sumP += v;
            sumQ += 1 - v;
            self += v * (1 - v);
        }
        double expected = numerator / (sumP * sumQ - self);
        assertEquals(expected, stats.oracleAuc(), 0.01);
        assertTrue(stats.oracleAuc() > 0.78 && stats.oracleAuc() < 0.88, "oracle AUC " + stats.oracleAuc());
    }

    private static double sumSelf(double[] sorted, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += sorted[i] * (1 - sorted[i]);
        }
        return s;
    }

    @Test
    void rankAucEqualsPairCountingOnASmallWorld() {
        SyntheticConfig small = CONFIG.withSize(200, 300).withTargetInteractions(3000);
        SyntheticWorld w = SyntheticWorld.generate(small);
        InteractionTable t = w.dataset().interactions();
        double[] p = w.truth().oracleScores(t.userColumn(), t.itemColumn());
        boolean[] y = new boolean[t.size()];
        for (int r = 0; r < y.length; r++) {
            y[r] = t.value(r) >= 4;
        }
        // Rounded scores force ties so the half-credit path is exercised.
        double[] coarse = new double[p.length];
        for (int r = 0; r < p.length; r++) {
            coarse[r] = Math.round(p[r] * 20) / 20.0;
        }
        for (double[] s : new double[][] {p, coarse}) {
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < s.length; i++) {
                if (!y[i]) {
                    continue;
                }
                for (int j = 0; j < s.length; j++) {
                    if (!y[j]) {
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                        pairs++;
                    }
                }
            }
            assertEquals(wins / pairs, SyntheticStats.auc(s, y), 1e-12);
        }
    }

    @Test
    void historiesRevealTastesAndProfilesLeanToThem() {
        SyntheticTruth truth = world.truth();
        InteractionTable t = world.dataset().interactions();
        int[] itemsPerTopic = new int[CONFIG.topics()];
        for (int i = 0; i < truth.numItems(); i++) {
            itemsPerTopic[truth.mainTopic(i)]++;
        }
        int onDominant = 0;
        double uniform = 0;
        for (int r = 0; r < t.size(); r++) {
            int dominant = truth.dominantTopic(t.user(r));
            onDominant += truth.mainTopic(t.item(r)) == dominant ? 1 : 0;
            // Browsing uniformly at random would hit the dominant topic with its share of items.
            uniform += (double) itemsPerTopic[dominant] / truth.numItems();
        }
        double share = (double) onDominant / t.size();
        double baseline = uniform / t.size();
        assertTrue(share > 2 * baseline, "share on dominant topic " + share + " vs uniform " + baseline);

        // P(age = home bucket) = s + (1 − s)/6 with s = profileSignal.
        int home = 0;
        for (int u = 0; u < truth.numUsers(); u++) {
            String age = world.dataset().userProfiles().get(u).get("age");
            home += age.equals(SyntheticWorld.AGE_BUCKETS.get(SyntheticWorld.homeAge(truth.dominantTopic(u)))) ? 1 : 0;
        }
        double expected = CONFIG.profileSignal() + (1 - CONFIG.profileSignal()) / SyntheticWorld.AGE_BUCKETS.size();
        double sd = Math.sqrt(expected * (1 - expected) / truth.numUsers());
        assertEquals(expected, (double) home / truth.numUsers(), 5 * sd);
    }

    /**
     * Topic stickiness makes the next item share the previous item's main topic more often than
     * an item ten steps back does, so sequential models have an order to learn.
     */
    @Test
    void consecutiveItemsShareTopicsMoreThanDistantOnes() {
        SyntheticTruth truth = world.truth();
        InteractionTable t = world.dataset().interactions();
        int next = 0;
        int nextPairs = 0;
        int far = 0;
        int farPairs = 0;
        for (int r = 0; r < t.size(); r++) {
            if (r >= 1 && t.user(r - 1) == t.user(r)) {
                next += truth.mainTopic(t.item(r - 1)) == truth.mainTopic(t.item(r)) ? 1 : 0;
                nextPairs++;
            }
            if (r >= 10 && t.user(r - 10) == t.user(r)) {
                far += truth.mainTopic(t.item(r - 10)) == truth.mainTopic(t.item(r)) ? 1 : 0;
                farPairs++;
            }
        }
        double nextShare = (double) next / nextPairs;
        double farShare = (double) far / farPairs;
        assertTrue(nextShare > farShare + 0.1, "next " + nextShare + " vs ten back " + farShare);
    }

    @Test
    void truthProbabilityFollowsTheLogisticModel() {
        SyntheticTruth truth = world.truth();
        int u = 17;
        int i = 123;
        double[] taste = truth.userTaste(u);
        double[] topics = truth.itemTopics(i);
        double dot = 0;
        double tasteSum = 0;
        double topicSum = 0;
        for (int k = 0; k < taste.length; k++) {
            dot += taste[k] * topics[k];
            tasteSum += taste[k];
            topicSum += topics[k];
        }
        assertEquals(1.0, tasteSum, 1e-12);
        assertEquals(1.0, topicSum, 1e-12);
        int f = CONFIG.styleFactors();
        double style = 0;
        for (int k = 0; k < f; k++) {
            style += truth.userStyleArray()[u * f + k] * truth.itemStyleArray()[i * f + k];
        }
        assertEquals(style, truth.styleMatch(u, i), 1e-15);
        double a = CONFIG.logisticScale() * dot + CONFIG.styleAffinity() * style + truth.itemBias(i) + truth.userBias(u)
                + CONFIG.globalOffset();
        assertEquals(1 / (1 + Math.exp(-a)), truth.probability(u, i), 1e-14);
        double[] scores = truth.oracleScores(new int[] {u, 0}, new int[] {i, 5});
        assertEquals(truth.probability(u, i), scores[0], 0);
        assertEquals(truth.probability(0, 5), scores[1], 0);
    }
}
