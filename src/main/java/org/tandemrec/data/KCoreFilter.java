package org.tandemrec.data;

import java.util.ArrayList;
import java.util.List;
import org.tandemrec.base.UsageException;

/**
 * The (userK, itemK)-core of a data set: repeatedly removes users with fewer than {@code userK}
 * interactions and items with fewer than {@code itemK}, until every remaining user and item
 * meets its threshold (removing an item can push a user below, and back). Counts are
 * interactions (rows), so a repeated user–item pair counts each time. The id maps and side
 * information are restricted to the survivors and renumbered densely in their old order.
 *
 * @param userK minimum interactions per user (1 keeps every user that has any)
 * @param itemK minimum interactions per item
 */
public record KCoreFilter(int userK, int itemK) {
    public KCoreFilter {
        if (userK < 1) {
            throw new UsageException("userK must be >= 1, got " + userK);
        }
        if (itemK < 1) {
            throw new UsageException("itemK must be >= 1, got " + itemK);
        }
    }

    /** The same threshold for users and items. */
    public static KCoreFilter of(int k) {
        return new KCoreFilter(k, k);
    }

    /**
     * The core of the data set.
     *
     * @throws IllegalArgumentException when no interaction survives, naming the filter and the sizes before
     */
    public Dataset apply(Dataset d) {
        InteractionTable t = d.interactions();
        int n = t.size();
        int[] uc = t.userCounts();
        int[] ic = t.itemCounts();
        boolean[] userOut = new boolean[d.numUsers()];
        boolean[] itemOut = new boolean[d.numItems()];
        boolean[] rowOut = new boolean[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int u = 0; u < uc.length; u++) {
                if (!userOut[u] && uc[u] < userK) {
                    userOut[u] = true;
                    changed = true;
                }
            }
            for (int i = 0; i < ic.length; i++) {
                if (!itemOut[i] && ic[i] < itemK) {
                    itemOut[i] = true;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            for (int r = 0; r < n; r++) {
                if (!rowOut[r] && (userOut[t.user(r)] || itemOut[t.item(r)])) {
                    rowOut[r] = true;
                    uc[t.user(r)]--;
                    ic[t.item(r)]--;
                }
            }
        }
        boolean[] keepUsers = new boolean[userOut.length];
        boolean[] keepItems = new boolean[itemOut.length];
        int keptRows = 0;
        for (int r = 0; r < n; r++) {
            if (!rowOut[r]) {
                keepUsers[t.user(r)] = true;
                keepItems[t.item(r)] = true;
                keptRows++;
            }
        }
        if (keptRows == 0) {
            throw new UsageException(this + " removed every interaction of '" + d.name() + "' ("
                    + n + " interactions over " + d.numUsers() + " users and " + d.numItems() + " items before)");
        }
        int[] userRemap = new int[keepUsers.length];
        int[] itemRemap = new int[keepItems.length];
        IdMap users = d.users().restrict(keepUsers, userRemap);
        IdMap items = d.items().restrict(keepItems, itemRemap);
        List<UserProfile> profiles = new ArrayList<>(users.size());
        for (int u = 0; u < keepUsers.length; u++) {
            if (keepUsers[u]) {
                profiles.add(d.userProfiles().get(u));
            }
        }
        List<ItemInfo> info = new ArrayList<>(items.size());
        for (int i = 0; i < keepItems.length; i++) {
            if (keepItems[i]) {
                info.add(d.itemInfo().get(i));
            }
        }
        InteractionTable table = t.remap(userRemap, users.size(), itemRemap, items.size());
        return new Dataset(d.name(), table, users, items, info, profiles);
    }

    @Override
    public String toString() {
        return "k-core filter (users >= " + userK + ", items >= " + itemK + ")";
    }
}
