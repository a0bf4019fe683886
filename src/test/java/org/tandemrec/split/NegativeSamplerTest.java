package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;

class NegativeSamplerTest {
    private static final int ITEMS = 30;
    // Dense users (up to 25 of 30 items) so the rejection fallbacks are exercised too.
    private final InteractionTable table = SplitFixtures.table(40, ITEMS, 2, 25, 3L);
    private final UserItems known = UserItems.of(table);

    /** Neighbour lists for the text sampler: item i's "similar" items are i+1, i+2, … (mod N). */
    private static int[][] ringNeighbours(int m) {
        int[][] nb = new int[ITEMS][m];
        for (int i = 0; i < ITEMS; i++) {
            for (int k = 0; k < m; k++) {
                nb[i][k] = (i + 1 + k) % ITEMS;
            }
        }
        return nb;
    }

    private List<NegativeSampler> samplers() {
        int[] counts = table.itemCounts();
        return List.of(new UniformSampler(), new PopularitySampler(counts, 1.0), new PopularitySampler(counts, 0.5),
                new TextSimilaritySampler(ringNeighbours(8)),
                new MixedSampler(List.of(new TextSimilaritySampler(ringNeighbours(8)), new PopularitySampler(counts, 1)),
                        new double[] {0.5, 0.5}));
    }

    @Test
    void negativesAreNeverKnownRepeatedOrThePositive() {
        for (NegativeSampler s : samplers()) {
            NegativeDraw draw = new NegativeDraw(s, known);
            SplittableRandom random = new SplittableRandom(11);
            int lists = 0;
            for (int r = 0; r < table.size(); r++) {
                int u = table.user(r);
                int free = ITEMS - known.count(u);
                int n = Math.min(5, free);
                int[] neg = draw.draw(u, table.item(r), n, random);
                assertEquals(n, neg.length);
                Set<Integer> seen = new HashSet<>();
                for (int it : neg) {
                    assertFalse(known.contains(u, it), s.name() + ": item " + it + " known to user " + u);
                    assertTrue(seen.add(it), s.name() + ": duplicate " + it);
                    assertTrue(it != table.item(r), s.name() + ": the positive");
                }
                lists++;
            }
            assertEquals(table.size(), lists);
        }
    }

    @Test
    void tooFewFreeItemsIsAnErrorNamingTheUser() {
        int dense = -1;
        for (int u = 0; u < table.numUsers(); u++) {
            if (ITEMS - known.count(u) < 19) {
                dense = u;
                break;
            }
        }
        assertTrue(dense >= 0, "fixture has a dense user");
        int user = dense;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NegativeDraw(new UniformSampler(), known).draw(user, 0, 19, new SplittableRandom(1)));
        assertTrue(e.getMessage().startsWith("user index " + user + " interacted with " + known.count(user) + " of 30"),
                e.getMessage());
    }

    @Test
    void popularityFrequenciesFollowCounts() {
        // Counts 1..10 on ten items; a user with no items; expected first-draw frequency ∝ count.
        int[] counts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        PopularitySampler s = new PopularitySampler(counts, 1.0);
        TakenItems taken = new TakenItems(counts.length);
        UserItems none = UserItems.of(new InteractionTable.Builder(0).build(1, counts.length));
        SplittableRandom random = new SplittableRandom(5);
        int draws = 55_000;
        int[] seen = new int[counts.length];
        int[] out = new int[1];
        for (int k = 0; k < draws; k++) {
            taken.reset(none, 0, -1);
            assertEquals(1, s.draw(-1, 1, taken, random, out, 0));
            seen[out[0]]++;
        }
        double chi2 = 0;
        for (int i = 0; i < counts.length; i++) {
            double expected = draws * counts[i] / 55.0;
            chi2 += (seen[i] - expected) * (seen[i] - expected) / expected;
        }
        // 9 degrees of freedom: P(chi2 > 27.9) = 0.001.
        assertTrue(chi2 < 27.9, "chi-square " + chi2);
        double[] p = new PopularitySampler(new int[] {4, 0, 1}, 0.5).probabilities();
        assertArrayEquals(new double[] {2 / 3.0, 0, 1 / 3.0}, p, 1e-12, "count^0.5 weights, unseen items weight 0");
    }

    @Test
    void popularityNeverDrawsUnseenItemsAndFallsBackToExactDraws() {
        int[] counts = {0, 5, 0, 1, 0, 2};
        PopularitySampler s = new PopularitySampler(counts, 1.0);
        TakenItems taken = new TakenItems(counts.length);
        UserItems none = UserItems.of(new InteractionTable.Builder(0).build(1, counts.length));
        taken.reset(none, 0, 1);
        int[] out = new int[6];
        int got = s.draw(1, 6, taken, new SplittableRandom(3), out, 0);
        assertEquals(2, got, "only items 3 and 5 have weight and are free");
        assertEquals(Set.of(3, 5), Set.of(out[0], out[1]));
    }

    @Test
    void mixedAllotsByLargestRemainder() {
        MixedSampler m = new MixedSampler(List.of(new UniformSampler(), new UniformSampler()), new double[] {0.5, 0.5});
        assertArrayEquals(new int[] {10, 9}, m.allot(19));
        assertArrayEquals(new int[] {50, 49}, m.allot(99));
        MixedSampler m3 = new MixedSampler(List.of(new UniformSampler(), new UniformSampler()), new double[] {0.25, 0.75});
        assertArrayEquals(new int[] {5, 14}, m3.allot(19), "4.75 → 5, 14.25 → 14");
    }

    @Test
    void textSamplerDrawsOnlyFromTheTopM() {
        int[][] nb = ringNeighbours(4);
        TextSimilaritySampler s = new TextSimilaritySampler(nb);
        TakenItems taken = new TakenItems(ITEMS);
        UserItems none = UserItems.of(new InteractionTable.Builder(0).build(1, ITEMS));
        SplittableRandom random = new SplittableRandom(9);
        for (int k = 0; k < 100; k++) {
            taken.reset(none, 0, 7);
            int[] out = new int[3];
            assertEquals(3, s.draw(7, 3, taken, random, out, 0));
            for (int it : out) {
                assertTrue(it >= 8 && it <= 11, "neighbour of 7: " + it);
            }
        }
    }
}
