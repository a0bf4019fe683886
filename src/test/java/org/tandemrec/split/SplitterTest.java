package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;

class SplitterTest {
    private final InteractionTable table = SplitFixtures.table(60, 40, 1, 12, 7L);

    @Test
    void leaveOneOutHoldsOutEachEligibleUsersLatestTwo() {
        SplitParts p = new LeaveOneOutSplit(3).split(table);
        assertEquals(SplitFixtures.rows(table), SplitFixtures.rows(p.train(), p.valid(), p.test()),
                "parts must be disjoint and cover the table");
        int[] counts = table.userCounts();
        int[] validPer = p.valid().userCounts();
        int[] testPer = p.test().userCounts();
        // The user's rows in the table's stable time order; the last two are test and valid.
        List<List<Integer>> byUser = new ArrayList<>();
        for (int u = 0; u < table.numUsers(); u++) {
            byUser.add(new ArrayList<>());
        }
        for (int r : table.timeOrder()) {
            byUser.get(table.user(r)).add(r);
        }
        int eligible = 0;
        for (int u = 0; u < table.numUsers(); u++) {
            if (counts[u] >= 3) {
                eligible++;
                assertEquals(1, validPer[u], "valid rows of user " + u);
                assertEquals(1, testPer[u], "test rows of user " + u);
                List<Integer> rows = byUser.get(u);
                int last = rows.get(rows.size() - 1);
                int second = rows.get(rows.size() - 2);
                assertEquals(table.item(last), itemOf(p.test(), u));
                assertEquals(table.item(second), itemOf(p.valid(), u));
            } else {
                assertEquals(0, validPer[u] + testPer[u], "user " + u + " with " + counts[u] + " rows stays in train");
            }
        }
        assertTrue(eligible > 10 && eligible < table.numUsers(), "fixture has both kinds of users: " + eligible);
        assertEquals(eligible, p.test().size());
        assertEquals(eligible, p.valid().size());
    }

    @Test
    void aTieAtTheLastTimestampHoldsOutTheRowThatComesLastInTheFile() {
        // User 0 rated items 7 and 2 in the same second, 7 first in the file: 2 is the test row
        // (ordering ties by item index would hold out 7), 7 the validation row. User 1 has three
        // rows in one second; the file's last is the test row, its second last the validation row.
        InteractionTable t = new InteractionTable(
                new int[] {0, 1, 0, 1, 0, 1},
                new int[] {5, 4, 7, 9, 2, 1},
                new float[] {1, 1, 1, 1, 1, 1},
                new long[] {10, 50, 20, 50, 20, 50}, 2, 10);
        SplitParts p = new LeaveOneOutSplit(2).split(t);
        assertEquals(2, itemOf(p.test(), 0));
        assertEquals(7, itemOf(p.valid(), 0));
        assertEquals(1, itemOf(p.test(), 1));
        assertEquals(9, itemOf(p.valid(), 1));
        assertEquals(List.of(0, 2, 4, 1, 3, 5), box(t.timeOrder()), "stable by time: (timestamp, row)");
        InteractionTable wide = new InteractionTable(new int[3], new int[3], new float[3],
                new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0}, 1, 1);
        assertEquals(List.of(1, 2, 0), box(wide.timeOrder()), "a time range too wide to pack with the row");
    }

    @Test
    void globalTimeSplitCutsATieInFileOrder() {
        // Five rows in one second with descending item index: the first three in the file are
        // train, then one valid, one test.
        InteractionTable t = new InteractionTable(
                new int[] {2, 1, 0, 1, 2}, new int[] {4, 3, 2, 1, 0},
                new float[] {1, 1, 1, 1, 1}, new long[] {7, 7, 7, 7, 7}, 3, 5);
        SplitParts p = new GlobalTimeSplit(0.6, 0.2).split(t);
        assertEquals(List.of(4, 3, 2), box(p.train().itemColumn()));
        assertEquals(List.of(1), box(p.valid().itemColumn()));
        assertEquals(List.of(0), box(p.test().itemColumn()));
    }

    private static List<Integer> box(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    private static int itemOf(InteractionTable t, int user) {
        for (int r = 0; r < t.size(); r++) {
            if (t.user(r) == user) {
                return t.item(r);
            }
        }
        return -1;
    }

    @Test
    void globalTimeSplitTakesFractionsInTimeOrder() {
        SplitParts p = new GlobalTimeSplit(0.8, 0.1).split(table);
        int n = table.size();
        assertEquals((int) Math.floor(0.8 * n), p.train().size());
        assertEquals((int) Math.floor(0.1 * n), p.valid().size());
        assertEquals(n - p.train().size() - p.valid().size(), p.test().size());
        assertEquals(SplitFixtures.rows(table), SplitFixtures.rows(p.train(), p.valid(), p.test()));
        long maxTrain = max(p.train());
        long maxValid = max(p.valid());
        assertTrue(min(p.valid()) >= maxTrain, "valid not earlier than train");
        assertTrue(min(p.test()) >= maxValid && min(p.test()) >= maxTrain, "test not earlier than train/valid");
    }

    @Test
    void globalTimeSplitCountsMatchReLLaOnMovieLens1M() {
        // ReLLa's published ML-1M split: 970,009 samples → 776,007 / 97,000 / 97,002.
        assertEquals(776_007, GlobalTimeSplit.share(0.8, 970_009));
        assertEquals(97_000, GlobalTimeSplit.share(0.1, 970_009));
        assertEquals(28, GlobalTimeSplit.share(0.28, 100), "0.28·100 is 28.000000000000004 in doubles");
        assertEquals(29, GlobalTimeSplit.share(0.29, 100), "0.29·100 is 28.999999999999996 in doubles");
    }

    @Test
    void randomSplitIsSeededAndCovering() {
        SplitParts a = new RandomSplit(0.7, 0.2, new RandomStreams(1).stream("random-split")).split(table);
        SplitParts b = new RandomSplit(0.7, 0.2, new RandomStreams(1).stream("random-split")).split(table);
        SplitParts c = new RandomSplit(0.7, 0.2, new RandomStreams(2).stream("random-split")).split(table);
        int n = table.size();
        assertEquals(GlobalTimeSplit.share(0.7, n), a.train().size());
        assertEquals(GlobalTimeSplit.share(0.2, n), a.valid().size());
        assertEquals(SplitFixtures.rows(table), SplitFixtures.rows(a.train(), a.valid(), a.test()));
        assertEquals(SplitFixtures.rows(a.test()), SplitFixtures.rows(b.test()));
        assertNotEquals(SplitFixtures.rows(a.test()), SplitFixtures.rows(c.test()));
    }

    @Test
    void configValidationNamesTheField() {
        SplitConfig d = SplitConfig.defaults();
        assertEquals("negatives must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> d.withNegatives(0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withFractions(0.8, 0.1, 0.2))
                .getMessage().startsWith("trainFraction + validFraction + testFraction must be 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withFractions(-0.1, 0.6, 0.5))
                .getMessage().startsWith("trainFraction must be in (0, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withMinInteractions(1))
                .getMessage().startsWith("minInteractions must be >= 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withPopularityShare(1.5))
                .getMessage().startsWith("popularityShare must be in [0, 1]"));
        assertEquals("sampler must be one of uniform|popularity|text|mixed, got 'zipf'",
                assertThrows(IllegalArgumentException.class, () -> SplitConfig.SamplerKind.parse("zipf")).getMessage());
        assertEquals(SplitConfig.Protocol.TIME, SplitConfig.Protocol.parse("time"));
    }

    private static long max(InteractionTable t) {
        long m = Long.MIN_VALUE;
        for (int r = 0; r < t.size(); r++) {
            m = Math.max(m, t.timestamp(r));
        }
        return m;
    }

    private static long min(InteractionTable t) {
        long m = Long.MAX_VALUE;
        for (int r = 0; r < t.size(); r++) {
            m = Math.min(m, t.timestamp(r));
        }
        return m;
    }
}
