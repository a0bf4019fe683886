package org.tandemrec.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * An immutable, columnar table of user–item interactions: parallel primitive columns of
 * dense user index, dense item index, value and timestamp.
 *
 * <p>The value is the explicit rating as loaded, or a 0/1 label once a {@link LabelRule} has
 * been applied; implicit data carries 1. Timestamps are seconds since the epoch (or any
 * monotone clock the source uses). The columns cost 20 bytes per interaction.
 */
public final class InteractionTable {
    private final int[] users;
    private final int[] items;
    private final float[] values;
    private final long[] timestamps;
    private final int numUsers;
    private final int numItems;

    /**
     * Wraps the given columns (not copied: callers hand over ownership).
     *
     * @param numUsers size of the user index space (every user index is below it)
     * @param numItems size of the item index space
     */
    public InteractionTable(int[] users, int[] items, float[] values, long[] timestamps, int numUsers, int numItems) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(timestamps, "timestamps");
        int n = users.length;
        if (items.length != n || values.length != n || timestamps.length != n) {
            throw new IllegalArgumentException("column lengths differ: users=" + n + " items=" + items.length
                    + " values=" + values.length + " timestamps=" + timestamps.length);
        }
        for (int i = 0; i < n; i++) {
            if (users[i] < 0 || users[i] >= numUsers) {
                throw new IllegalArgumentException("row " + i + ": user index " + users[i] + " outside [0," + numUsers + ")");
            }
            if (items[i] < 0 || items[i] >= numItems) {
                throw new IllegalArgumentException("row " + i + ": item index " + items[i] + " outside [0," + numItems + ")");
            }
        }
        this.users = users;
        this.items = items;
        this.values = values;
        this.timestamps = timestamps;
        this.numUsers = numUsers;
        this.numItems = numItems;
    }

    public int size() {
        return users.length;
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItems() {
        return numItems;
    }

    public int user(int row) {
        return users[row];
    }

    public int item(int row) {
        return items[row];
    }

    public float value(int row) {
        return values[row];
    }

    public long timestamp(int row) {
        return timestamps[row];
    }

    /** A copy of the user column. */
    public int[] userColumn() {
        return users.clone();
    }

    /** A copy of the item column. */
    public int[] itemColumn() {
        return items.clone();
    }

    /** A copy of the value column. */
    public float[] valueColumn() {
        return values.clone();
    }

    /** A copy of the timestamp column. */
    public long[] timestampColumn() {
        return timestamps.clone();
    }

    /** The rows at the given positions, in that order, over the same index spaces. */
    public InteractionTable select(int[] rows) {
        int n = rows.length;
        int[] u = new int[n];
        int[] it = new int[n];
        float[] v = new float[n];
        long[] t = new long[n];
        for (int k = 0; k < n; k++) {
            int r = rows[k];
            u[k] = users[r];
            it[k] = items[r];
            v[k] = values[r];
            t[k] = timestamps[r];
        }
        return new InteractionTable(u, it, v, t, numUsers, numItems);
    }

    /** The rows for which the predicate (given a row position) holds, in table order. */
    public InteractionTable filter(IntPredicate keepRow) {
        int[] keep = new int[size()];
        int n = 0;
        for (int r = 0; r < size(); r++) {
            if (keepRow.test(r)) {
                keep[n++] = r;
            }
        }
        return select(Arrays.copyOf(keep, n));
    }

    /** The same rows with each value replaced, e.g. ratings mapped to 0/1 labels. */
    public InteractionTable withValues(float[] newValues) {
        if (newValues.length != size()) {
            throw new IllegalArgumentException("newValues length " + newValues.length + " != size " + size());
        }
        return new InteractionTable(users, items, newValues, timestamps, numUsers, numItems);
    }

    /**
     * The same rows renumbered: user u becomes {@code userRemap[u]}, item i becomes
     * {@code itemRemap[i]}; rows whose user or item maps to -1 are dropped.
     */
    public InteractionTable remap(int[] userRemap, int newNumUsers, int[] itemRemap, int newNumItems) {
        int[] keep = new int[size()];
        int n = 0;
        for (int r = 0; r < size(); r++) {
            if (userRemap[users[r]] >= 0 && itemRemap[items[r]] >= 0) {
                keep[n++] = r;
            }
        }
        int[] u = new int[n];
        int[] it = new int[n];
        float[] v = new float[n];
        long[] t = new long[n];
        for (int k = 0; k < n; k++) {
            int r = keep[k];
            u[k] = userRemap[users[r]];
            it[k] = itemRemap[items[r]];
            v[k] = values[r];
            t[k] = timestamps[r];
        }
        return new InteractionTable(u, it, v, t, newNumUsers, newNumItems);
    }

    /**
     * Row positions ordered by (timestamp, row): a stable sort by time, so rows with the same
     * timestamp keep the order of the input. Leave-one-out then holds out, among a user's
     * same-second ratings, the one that comes last in the file (as reference implementations
     * that sort stably by time do), and a global time split cuts a group of equal timestamps
     * in file order. Breaking ties by user or item index instead would bias the held-out item
     * towards the highest index (on MovieLens, towards later-catalogued, less popular films).
     */
    public int[] timeOrder() {
        int n = size();
        // Sort (timestamp, row) pairs; the row index in the low bits keeps the sort stable.
        long[] keys = new long[n];
        boolean packable = n > 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long t : timestamps) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        int rowBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
        packable &= max - min >= 0 && (max - min) < (1L << (63 - rowBits));
        if (packable) {
            for (int r = 0; r < n; r++) {
                keys[r] = ((timestamps[r] - min) << rowBits) | r;
            }
            Arrays.sort(keys);
            int[] order = new int[n];
            long mask = (1L << rowBits) - 1;
            for (int k = 0; k < n; k++) {
                order[k] = (int) (keys[k] & mask);
            }
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = Long.compare(timestamps[a], timestamps[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /** Interactions per item, indexed by item. */
    public int[] itemCounts() {
        int[] c = new int[numItems];
        for (int it : items) {
            c[it]++;
        }
        return c;
    }

    /** Interactions per user, indexed by user. */
    /**
     * Each user's items in time order (ties in row order), the last {@code keep} of them: the
     * histories and sequences the CTR and sequential models read. Empty for users without rows.
     */
    public int[][] latestItemsByUser(int keep) {
        if (keep <= 0) {
            throw new IllegalArgumentException("keep must be > 0, got " + keep);
        }
        int[] count = userCounts();
        int[][] out = new int[numUsers][];
        for (int u = 0; u < numUsers; u++) {
            out[u] = new int[Math.min(count[u], keep)];
        }
        int[] seen = new int[numUsers];
        for (int row : timeOrder()) {
            int u = users[row];
            int k = seen[u]++ - (count[u] - out[u].length);
            if (k >= 0) {
                out[u][k] = items[row];
            }
        }
        return out;
    }

    public int[] userCounts() {
        int[] c = new int[numUsers];
        for (int u : users) {
            c[u]++;
        }
        return c;
    }

    /** Growable builder of a table; columns double when full. */
    public static final class Builder {
        private int[] users = new int[1024];
        private int[] items = new int[1024];
        private float[] values = new float[1024];
        private long[] timestamps = new long[1024];
        private int size;

        public Builder() {
        }

        public Builder(int expectedSize) {
            int cap = Math.max(16, expectedSize);
            users = new int[cap];
            items = new int[cap];
            values = new float[cap];
            timestamps = new long[cap];
        }

        public Builder add(int user, int item, float value, long timestamp) {
            if (size == users.length) {
                int cap = Math.max(16, (int) Math.min(Integer.MAX_VALUE - 8, users.length * 2L));
                users = Arrays.copyOf(users, cap);
                items = Arrays.copyOf(items, cap);
                values = Arrays.copyOf(values, cap);
                timestamps = Arrays.copyOf(timestamps, cap);
            }
            users[size] = user;
            items[size] = item;
            values[size] = value;
            timestamps[size] = timestamp;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        /** The table over index spaces of the given sizes; trims the columns to size. */
        public InteractionTable build(int numUsers, int numItems) {
            return new InteractionTable(Arrays.copyOf(users, size), Arrays.copyOf(items, size),
                    Arrays.copyOf(values, size), Arrays.copyOf(timestamps, size), numUsers, numItems);
        }
    }
}
