package org.tandemrec.split;

import java.util.SplittableRandom;

/**
 * Items that may not be drawn into the list being built: the user's items, the positive and
 * the negatives already drawn. Reset per list in O(user's items) with a generation stamp
 * instead of clearing an array of all items.
 */
public final class TakenItems {
    private final int[] stamp;
    private int generation;
    private int taken;

    public TakenItems(int numItems) {
        this.stamp = new int[numItems];
    }

    /** Starts a new list for the user: their items and the positive are taken. */
    public void reset(UserItems userItems, int user, int positive) {
        if (++generation == Integer.MAX_VALUE) {
            java.util.Arrays.fill(stamp, 0);
            generation = 1;
        }
        taken = 0;
        userItems.forEach(user, this::take);
        if (positive >= 0) {
            take(positive);
        }
    }

    public int numItems() {
        return stamp.length;
    }

    public boolean isFree(int item) {
        return stamp[item] != generation;
    }

    /** Marks the item taken; returns false when it already was. */
    public boolean take(int item) {
        if (stamp[item] == generation) {
            return false;
        }
        stamp[item] = generation;
        taken++;
        return true;
    }

    public int freeCount() {
        return stamp.length - taken;
    }

    /**
     * Takes up to {@code n} of the first {@code count} entries of {@code free} (items known to be
     * free) in random order, by a partial Fisher–Yates shuffle of {@code free} in place, and
     * writes them to {@code out} from {@code offset}. Returns how many it took.
     */
    int takeShuffled(int[] free, int count, int n, SplittableRandom random, int[] out, int offset) {
        int drawn = 0;
        for (int k = 0; k < count && drawn < n; k++) {
            int j = k + random.nextInt(count - k);
            int t = free[k];
            free[k] = free[j];
            free[j] = t;
            take(free[k]);
            out[offset + drawn++] = free[k];
        }
        return drawn;
    }
}
