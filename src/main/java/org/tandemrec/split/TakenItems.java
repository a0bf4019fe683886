package org.tandemrec.split;

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
}
