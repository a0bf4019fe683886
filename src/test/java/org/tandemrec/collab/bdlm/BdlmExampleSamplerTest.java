package org.tandemrec.collab.bdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.NegativeDraw;
import org.tandemrec.split.UniformSampler;
import org.tandemrec.split.UserItems;

class BdlmExampleSamplerTest {
    /** 30 users with 3..32 items each out of 200; user u's k-th item is (7u + 3k) mod 200. */
    private static InteractionTable table() {
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int u = 0; u < 30; u++) {
            for (int k = 0; k < 3 + u; k++) {
                b.add(u, (7 * u + 3 * k) % 200, 1f, 1000L * u + k);
            }
        }
        return b.build(30, 200);
    }

    private static BdlmExampleSampler sampler(InteractionTable t) {
        UserItems known = UserItems.of(t);
        return new BdlmExampleSampler(t.latestItemsByUser(Integer.MAX_VALUE), new NegativeDraw(new UniformSampler(), known),
                new NegativeDraw(new UniformSampler(), known), 19);
    }

    @Test
    void examplesAskAboutTheNextItemAfterTheHistory() {
        InteractionTable t = table();
        int[][] seq = t.latestItemsByUser(Integer.MAX_VALUE);
        UserItems known = UserItems.of(t);
        List<BdlmExample> ex = sampler(t).sample(300, 0.4, 7);
        int topK = 0;
        int positions = 0;
        Set<String> distinct = new HashSet<>();
        for (int k = 0; k < ex.size(); k++) {
            BdlmExample e = ex.get(k);
            assertTrue(e.position() >= 1 && e.position() < seq[e.user()].length);
            int next = seq[e.user()][e.position()];
            if (e.task() == BdlmExample.Task.TOPK) {
                topK++;
                positions++;
                assertEquals(next, e.target());
                assertEquals(20, e.candidates().length);
                Set<Integer> c = new HashSet<>();
                for (int i = 1; i < 20; i++) {
                    assertFalse(known.contains(e.user(), e.candidates()[i]), "a negative the user knows");
                    assertTrue(c.add(e.candidates()[i]));
                }
            } else if (e.positive()) {
                positions++;
                assertEquals(next, e.target());
                BdlmExample neg = ex.get(++k);
                assertFalse(neg.positive());
                assertEquals(e.position(), neg.position());
                assertFalse(known.contains(e.user(), neg.target()));
            } else {
                throw new AssertionError("a negative without its positive before it at " + k);
            }
            assertTrue(distinct.add(e.user() + "@" + e.position()), "a position drawn twice");
        }
        assertEquals(300, positions);
        assertEquals(0.4, topK / 300.0, 0.1);
        assertEquals(ex, sampler(t).sample(300, 0.4, 7), "one seed, one sample");
    }

    /** Asking for more positions than there are gives every position once. */
    @Test
    void takesEveryPositionWhenAskedForMore() {
        InteractionTable t = table();
        long all = 0;
        for (int[] s : t.latestItemsByUser(Integer.MAX_VALUE)) {
            all += s.length - 1;
        }
        List<BdlmExample> ex = sampler(t).sample(100_000, 1.0, 1);
        assertEquals(all, ex.size());
    }
}
