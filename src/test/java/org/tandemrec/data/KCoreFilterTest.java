package org.tandemrec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class KCoreFilterTest {
    /**
     * u1:{i1,i2} u2:{i1,i2} u3:{i2,i3} u4:{i3}. Worked by hand for k=2: u4 has 1 → out, so i3
     * drops to 1 → out, so u3 drops to 1 → out, leaving i2 with 2: the core is u1,u2 × i1,i2.
     */
    static Dataset cascade() {
        IdMap users = IdMap.of(List.of("u1", "u2", "u3", "u4"));
        IdMap items = IdMap.of(List.of("i1", "i2", "i3"));
        int[] u = {0, 0, 1, 1, 2, 2, 3};
        int[] it = {0, 1, 0, 1, 1, 2, 2};
        float[] v = {5, 4, 3, 2, 1, 5, 4};
        long[] t = {1, 2, 3, 4, 5, 6, 7};
        List<ItemInfo> info = List.of(new ItemInfo("one", List.of(), ""), new ItemInfo("two", List.of(), ""),
                new ItemInfo("three", List.of(), ""));
        List<UserProfile> profiles = List.of(new UserProfile(java.util.Map.of("n", "1")), new UserProfile(java.util.Map.of("n", "2")),
                UserProfile.EMPTY, UserProfile.EMPTY);
        return new Dataset("cascade", new InteractionTable(u, it, v, t, 4, 3), users, items, info, profiles);
    }

    @Test
    void iteratesUntilStable() {
        Dataset core = KCoreFilter.of(2).apply(cascade());
        assertEquals(List.of("u1", "u2"), core.users().rawIds());
        assertEquals(List.of("i1", "i2"), core.items().rawIds());
        assertEquals(4, core.interactions().size());
        assertEquals(List.of("one", "two"), core.itemInfo().stream().map(ItemInfo::title).toList());
        assertEquals("2", core.userProfiles().get(1).get("n"));
        // Rows keep their order and values: (u2, i2, 2, t=4) is the last one.
        assertEquals(1, core.interactions().user(3));
        assertEquals(1, core.interactions().item(3));
        assertEquals(2f, core.interactions().value(3));
        assertEquals(4L, core.interactions().timestamp(3));
    }

    @Test
    void separateThresholdsForUsersAndItems() {
        // Items need 1: only u4 (one interaction) goes; i3 keeps u3's interaction.
        Dataset core = new KCoreFilter(2, 1).apply(cascade());
        assertEquals(List.of("u1", "u2", "u3"), core.users().rawIds());
        assertEquals(List.of("i1", "i2", "i3"), core.items().rawIds());
        assertEquals(6, core.interactions().size());
    }

    @Test
    void emptyResultNamesTheFilter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KCoreFilter.of(3).apply(cascade()));
        assertEquals("k-core filter (users >= 3, items >= 3) removed every interaction of 'cascade' "
                + "(7 interactions over 4 users and 3 items before)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KCoreFilter.of(0));
    }
}
