package org.tandemrec.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;

class SyntheticOracleTest {
    private static final SyntheticTruth TRUTH =
            SyntheticWorld.generate(SyntheticConfig.defaults().withSize(200, 300).withTargetInteractions(4000)).truth();

    /** Another index space (ids in shuffled order) scores as the truth does at the matching indexes. */
    @Test
    void scoresInAnotherIndexSpaceByRawId() {
        List<String> users = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (int u = 0; u < TRUTH.numUsers(); u++) {
            users.add(TRUTH.userRawId(u));
        }
        for (int i = 0; i < TRUTH.numItems(); i++) {
            items.add(TRUTH.itemRawId(i));
        }
        Collections.shuffle(users, new Random(1));
        Collections.shuffle(items, new Random(2));
        IdMap um = IdMap.of(users);
        IdMap im = IdMap.of(items);
        SyntheticOracle o = SyntheticOracle.of(TRUTH, um, im);
        int[] us = {0, 0, 5, 7};
        int[] is = {3, 9, 3, 0};
        float[] like = o.likeProbabilities(us, is);
        int[] previous = new int[um.size()];
        java.util.Arrays.fill(previous, -1);
        previous[5] = 11;
        float[] exposure = o.exposureProbabilities(us, is, previous);
        for (int r = 0; r < us.length; r++) {
            int tu = Integer.parseInt(um.raw(us[r]).substring(1)) - 1;
            int ti = Integer.parseInt(im.raw(is[r]).substring(1)) - 1;
            assertEquals((float) TRUTH.probability(tu, ti), like[r], 0);
            int prev = us[r] == 5 ? Integer.parseInt(im.raw(11).substring(1)) - 1 : -1;
            assertEquals((float) TRUTH.exposureProbabilities(tu, prev)[ti], exposure[r], 0);
        }
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticOracle.of(TRUTH, IdMap.of(List.of("nobody")), im));
    }

    /** The item before the next is each user's latest; of equal times the later table, then the later row. */
    @Test
    void lastItemsTakeTheLatestInteraction() {
        InteractionTable train = new InteractionTable(new int[] {0, 0, 1, 1}, new int[] {4, 5, 6, 7},
                new float[] {1, 1, 1, 1}, new long[] {10, 30, 20, 20}, 3, 9);
        InteractionTable valid = new InteractionTable(new int[] {0, 1}, new int[] {8, 2},
                new float[] {1, 1}, new long[] {20, 20}, 3, 9);
        assertArrayEquals(new int[] {5, 2, -1}, SyntheticOracle.lastItems(3, train, valid));
    }

    /** Exposure depends on the user, not on popularity alone: one warm item is far likelier next for some users than for others. */
    @Test
    void exposureDiffersBetweenUsersOfOneItem() {
        int item = 0;
        while (TRUTH.isCold(item)) {
            item++;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int u = 0; u < TRUTH.numUsers(); u++) {
            double p = TRUTH.exposureProbabilities(u, -1)[item];
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertTrue(max > 20 * min, "exposure of one item ranges " + min + " .. " + max);
    }
}
