package org.tandemrec.crm;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tandemrec.data.InteractionTable;

/**
 * The distinct items of each user (CSR: user → sorted item list), for graph building, negative
 * sampling (an item the user has not interacted with) and membership tests in O(log degree).
 */
public final class UserItemIndex {
    private static final int MAX_REJECTIONS = 64;

    private final int numUsers;
    private final int numItems;
    private final int[] start;
    private final int[] items;

    public UserItemIndex(InteractionTable table) {
        this.numUsers = table.numUsers();
        this.numItems = table.numItems();
        int[] counts = new int[numUsers + 1];
        for (int r = 0; r < table.size(); r++) {
            counts[table.user(r) + 1]++;
        }
        for (int u = 0; u < numUsers; u++) {
            counts[u + 1] += counts[u];
        }
        int[] fill = Arrays.copyOf(counts, numUsers);
        int[] all = new int[table.size()];
        for (int r = 0; r < table.size(); r++) {
            all[fill[table.user(r)]++] = table.item(r);
        }
        int[] dedupStart = new int[numUsers + 1];
        int w = 0;
        for (int u = 0; u < numUsers; u++) {
            Arrays.sort(all, counts[u], counts[u + 1]);
            dedupStart[u] = w;
            for (int k = counts[u]; k < counts[u + 1]; k++) {
                if (k == counts[u] || all[k] != all[k - 1]) {
                    all[w++] = all[k];
                }
            }
        }
        dedupStart[numUsers] = w;
        this.start = dedupStart;
        this.items = Arrays.copyOf(all, w);
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    /** Number of distinct (user, item) pairs. */
    public int numEdges() {
        return items.length;
    }

    public int degree(int user) {
        return start[user + 1] - start[user];
    }

    /** Offset of {@code user}'s first item in {@link #itemsArray()}. */
    public int start(int user) {
        return start[user];
    }

    /** All users' sorted item lists, concatenated (read-only view). */
    int[] itemsArray() {
        return items;
    }

    public boolean contains(int user, int item) {
        return Arrays.binarySearch(items, start[user], start[user + 1], item) >= 0;
    }

    /**
     * A uniformly drawn item the user has not interacted with; after {@value #MAX_REJECTIONS}
     * rejections (a user who has seen nearly everything) the last draw is kept.
     */
    public int sampleNegative(int user, SplittableRandom random) {
        int j = random.nextInt(numItems);
        for (int t = 0; t < MAX_REJECTIONS && contains(user, j); t++) {
            j = random.nextInt(numItems);
        }
        return j;
    }
}
