package org.tandemrec.split;

import java.util.Arrays;
import org.tandemrec.data.InteractionTable;

/**
 * The set of items each user interacted with, as sorted rows of a compressed sparse row
 * layout (offsets per user into one item array).
 */
public final class UserItems {
    private final int[] offsets;
    private final int[] items;
    private final int numItems;

    private UserItems(int[] offsets, int[] items, int numItems) {
        this.offsets = offsets;
        this.items = items;
        this.numItems = numItems;
    }

    /** Every distinct (user, item) of the given tables, which share index spaces. */
    public static UserItems of(InteractionTable... tables) {
        int numUsers = tables[0].numUsers();
        int numItems = tables[0].numItems();
        int[] counts = new int[numUsers + 1];
        for (InteractionTable t : tables) {
            if (t.numUsers() != numUsers || t.numItems() != numItems) {
                throw new IllegalArgumentException("tables differ in index spaces: " + t.numUsers() + "x"
                        + t.numItems() + " vs " + numUsers + "x" + numItems);
            }
            for (int r = 0; r < t.size(); r++) {
                counts[t.user(r) + 1]++;
            }
        }
        for (int u = 0; u < numUsers; u++) {
            counts[u + 1] += counts[u];
        }
        int[] all = new int[counts[numUsers]];
        int[] fill = Arrays.copyOf(counts, numUsers);
        for (InteractionTable t : tables) {
            for (int r = 0; r < t.size(); r++) {
                all[fill[t.user(r)]++] = t.item(r);
            }
        }
        int[] offsets = new int[numUsers + 1];
        int n = 0;
        for (int u = 0; u < numUsers; u++) {
            int from = counts[u];
            int to = counts[u + 1];
            Arrays.sort(all, from, to);
            offsets[u] = n;
            for (int k = from; k < to; k++) {
                if (k == from || all[k] != all[k - 1]) {
                    all[n++] = all[k];
                }
            }
        }
        offsets[numUsers] = n;
        return new UserItems(offsets, Arrays.copyOf(all, n), numItems);
    }

    public int numUsers() {
        return offsets.length - 1;
    }

    public int numItems() {
        return numItems;
    }

    /** Number of distinct items of the user. */
    public int count(int user) {
        return offsets[user + 1] - offsets[user];
    }

    public boolean contains(int user, int item) {
        return Arrays.binarySearch(items, offsets[user], offsets[user + 1], item) >= 0;
    }

    /** Calls {@code action} with each item of the user in increasing order. */
    void forEach(int user, java.util.function.IntConsumer action) {
        for (int k = offsets[user]; k < offsets[user + 1]; k++) {
            action.accept(items[k]);
        }
    }
}
