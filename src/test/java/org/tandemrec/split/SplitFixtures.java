package org.tandemrec.split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/** Small seeded data sets for split tests. */
final class SplitFixtures {
    private SplitFixtures() {
    }

    /**
     * Each user rates between {@code minPer} and {@code maxPer} distinct items, item i chosen with
     * weight ∝ 1/(i+1) (popularity skew), timestamps drawn from a small range so ties occur.
     * Values are ratings 1..5.
     */
    static InteractionTable table(int users, int items, int minPer, int maxPer, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int u = 0; u < users; u++) {
            int k = minPer + r.nextInt(maxPer - minPer + 1);
            List<Integer> pool = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                pool.add(i);
            }
            Collections.shuffle(pool, new java.util.Random(seed * 31 + u));
            for (int j = 0; j < k; j++) {
                b.add(u, pool.get(j), 1 + r.nextInt(5), 1000 + r.nextInt(50));
            }
        }
        return b.build(users, items);
    }

    static Dataset dataset(InteractionTable t) {
        List<ItemInfo> info = new ArrayList<>();
        for (int i = 0; i < t.numItems(); i++) {
            info.add(new ItemInfo("Item " + i, List.of("cat" + (i % 3)), "description " + i));
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (int u = 0; u < t.numUsers(); u++) {
            profiles.add(new UserProfile(java.util.Map.of("age", Integer.toString(20 + u % 30))));
        }
        return new Dataset("fixture", t, IdMap.identity(t.numUsers()), IdMap.identity(t.numItems()), info, profiles);
    }

    /** Row tuples "user item timestamp" of a table, sorted, for multiset comparisons. */
    static List<String> rows(InteractionTable... tables) {
        List<String> out = new ArrayList<>();
        for (InteractionTable t : tables) {
            for (int r = 0; r < t.size(); r++) {
                out.add(t.user(r) + " " + t.item(r) + " " + t.timestamp(r));
            }
        }
        Collections.sort(out);
        return out;
    }
}
