package org.tandemrec.train;

import java.util.Arrays;

/**
 * The gradient slots of the rows of a table touched since the last {@link #clear()}: slot k is
 * the k-th distinct row touched. Rows map to slots through open addressing (linear probing, at
 * most half full), so the map grows with the touched rows and stays in cache, whatever the size
 * of the table: a row-indexed array of slots had a cache and TLB miss per row on a table of
 * millions of rows, a large part of accumulating a batch's gradient. Clearing costs the touched
 * rows, not the table.
 */
final class RowSlots {
    private int[] keys = new int[32];
    private int[] slots = new int[32];
    /** Row of each slot, and where that row sits in {@link #keys}. */
    private int[] rows = new int[16];
    private int[] positions = new int[16];
    private int size;
    private int shift = 32 - 5;

    RowSlots() {
        Arrays.fill(keys, -1);
    }

    /** Number of rows touched. */
    int size() {
        return size;
    }

    /** The row of slot {@code slot}. */
    int row(int slot) {
        return rows[slot];
    }

    /** The slot of {@code row}, or -1 when it was not touched. */
    int slotOf(int row) {
        int mask = keys.length - 1;
        for (int h = hash(row); ; h = (h + 1) & mask) {
            int k = keys[h];
            if (k == row) {
                return slots[h];
            }
            if (k < 0) {
                return -1;
            }
        }
    }

    /** The slot of {@code row} ({@code row} ≥ 0), a new one ({@link #size()} − 1 afterwards) on its first touch. */
    int add(int row) {
        int mask = keys.length - 1;
        for (int h = hash(row); ; h = (h + 1) & mask) {
            int k = keys[h];
            if (k == row) {
                return slots[h];
            }
            if (k < 0) {
                if (2 * (size + 1) > keys.length) {
                    grow();
                    return add(row);
                }
                int s = size++;
                if (s == rows.length) {
                    rows = Arrays.copyOf(rows, 2 * s);
                    positions = Arrays.copyOf(positions, 2 * s);
                }
                keys[h] = row;
                slots[h] = s;
                rows[s] = row;
                positions[s] = h;
                return s;
            }
        }
    }

    /** Forgets every row, in time proportional to their number. */
    void clear() {
        for (int s = 0; s < size; s++) {
            keys[positions[s]] = -1;
        }
        size = 0;
    }

    private int hash(int row) {
        // Fibonacci hashing: the top bits of the product, so neighbouring rows spread apart.
        return (row * 0x9E3779B9) >>> shift;
    }

    private void grow() {
        int n = keys.length * 2;
        keys = new int[n];
        slots = new int[n];
        Arrays.fill(keys, -1);
        shift--;
        int mask = n - 1;
        for (int s = 0; s < size; s++) {
            int h = hash(rows[s]);
            while (keys[h] >= 0) {
                h = (h + 1) & mask;
            }
            keys[h] = rows[s];
            slots[h] = s;
            positions[s] = h;
        }
    }
}
