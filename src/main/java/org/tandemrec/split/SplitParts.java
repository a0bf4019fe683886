package org.tandemrec.split;

import java.util.Objects;
import org.tandemrec.data.InteractionTable;

/**
 * The train, validation and test parts of one table over the same index spaces. Each part
 * lists its rows in the table's time order ({@link InteractionTable#timeOrder()}).
 */
public record SplitParts(InteractionTable train, InteractionTable valid, InteractionTable test) {
    public SplitParts {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(test, "test");
    }

    /** Builds the parts from a row assignment (0 train, 1 valid, 2 test), emitting rows in time order. */
    static SplitParts fromAssignment(InteractionTable table, int[] timeOrder, byte[] part) {
        int[] counts = new int[3];
        for (byte p : part) {
            counts[p]++;
        }
        int[][] rows = {new int[counts[0]], new int[counts[1]], new int[counts[2]]};
        int[] fill = new int[3];
        for (int r : timeOrder) {
            int p = part[r];
            rows[p][fill[p]++] = r;
        }
        return new SplitParts(table.select(rows[0]), table.select(rows[1]), table.select(rows[2]));
    }
}
