package org.tandemrec.split;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.tandemrec.data.InteractionTable;

/**
 * The distinct items of each user, as sorted rows of a compressed sparse row layout (offsets
 * per user into one item array): membership in O(log count), graph building (LightGCN's
 * adjacency walks the rows through {@link #offset} and {@link #itemAt}) and uniform negative
 * sampling of an item the user has not interacted with ({@link #sampleNegative}).
 */
public final class UserItems {
    private static final int MAX_REJECTIONS = 64;

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

    /** Number of distinct (user, item) pairs. */
    public int numPairs() {
        return items.length;
    }

    /** Number of distinct items of the user (their degree in the user–item graph). */
    public int count(int user) {
        return offsets[user + 1] - offsets[user];
    }

    /** Position of the user's first item in the concatenated rows ({@link #itemAt}). */
    public int offset(int user) {
        return offsets[user];
    }

    /** The item at {@code position} of the concatenated rows: users in order, each row sorted. */
    public int itemAt(int position) {
        return items[position];
    }

    public boolean contains(int user, int item) {
        return Arrays.binarySearch(items, offsets[user], offsets[user + 1], item) >= 0;
    }

    /**
     * A uniformly drawn item the user has not interacted with; after {@value #MAX_REJECTIONS}
     * rejections (a user who has seen nearly everything) the last draw is kept, so a step's cost
     * stays bounded.
     */
    public int sampleNegative(int user, SplittableRandom random) {
        int j = random.nextInt(numItems);
        for (int t = 0; t < MAX_REJECTIONS && contains(user, j); t++) {
            j = random.nextInt(numItems);
        }
        return j;
    }

    /** Calls {@code action} with each item of the user in increasing order. */
    void forEach(int user, IntConsumer action) {
        for (int k = offsets[user]; k < offsets[user + 1]; k++) {
            action.accept(items[k]);
        }
    }
}
