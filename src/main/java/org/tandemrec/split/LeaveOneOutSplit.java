package org.tandemrec.split;

import org.tandemrec.base.UsageException;
import org.tandemrec.data.InteractionTable;

/**
 * Leave-one-out (BDLM §4.1): per user in time order, the last interaction is the test row,
 * the second last the validation row, the rest train. Ties in time follow the input row
 * order ({@link InteractionTable#timeOrder()}): of a user's ratings in the same second, the one
 * that comes last in the file is the test row. Users with fewer than {@code minInteractions} interactions
 * stay wholly in train.
 */
public final class LeaveOneOutSplit implements Splitter {
    private final int minInteractions;

    public LeaveOneOutSplit(int minInteractions) {
        if (minInteractions < 2) {
            throw new UsageException("minInteractions must be >= 2, got " + minInteractions);
        }
        this.minInteractions = minInteractions;
    }

    @Override
    public SplitParts split(InteractionTable table) {
        int[] order = table.timeOrder();
        int[] counts = table.userCounts();
        int[] seen = new int[table.numUsers()];
        byte[] part = new byte[table.size()];
        for (int r : order) {
            int u = table.user(r);
            int k = ++seen[u];
            if (counts[u] >= minInteractions) {
                if (k == counts[u]) {
                    part[r] = 2;
                } else if (k == counts[u] - 1) {
                    part[r] = 1;
                }
            }
        }
        return SplitParts.fromAssignment(table, order, part);
    }
}
