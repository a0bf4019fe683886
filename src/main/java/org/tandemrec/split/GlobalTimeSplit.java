package org.tandemrec.split;

import org.tandemrec.base.UsageException;
import org.tandemrec.data.InteractionTable;

/**
 * Global time split (CoReLLa §4.1, following ReLLa): rows in the table's stable time order
 * (timestamp, then input row; {@link InteractionTable#timeOrder()}); the first
 * {@code floor(train·n)} rows are train, the next {@code floor(valid·n)} validation, the rest
 * test. With n = 970,009 and 0.8/0.1 this gives ReLLa's 776,007 / 97,000 / 97,002.
 */
public final class GlobalTimeSplit implements Splitter {
    private final double trainFraction;
    private final double validFraction;

    public GlobalTimeSplit(double trainFraction, double validFraction) {
        checkFractions(trainFraction, validFraction);
        this.trainFraction = trainFraction;
        this.validFraction = validFraction;
    }

    static void checkFractions(double train, double valid) {
        if (!(train > 0 && train < 1)) {
            throw new UsageException("trainFraction must be in (0, 1), got " + train);
        }
        if (!(valid >= 0 && train + valid < 1)) {
            throw new UsageException("validFraction must be >= 0 and leave a test share, got " + valid
                    + " with trainFraction " + train);
        }
    }

    /** floor(f·n), robust to f·n landing just below an integer (0.29·100 = 28.999…). */
    static int share(double fraction, int n) {
        return (int) Math.floor(fraction * n + 1e-7);
    }

    @Override
    public SplitParts split(InteractionTable table) {
        int[] order = table.timeOrder();
        int n = order.length;
        int nTrain = share(trainFraction, n);
        int nValid = share(validFraction, n);
        byte[] part = new byte[n];
        for (int k = 0; k < n; k++) {
            part[order[k]] = (byte) (k < nTrain ? 0 : k < nTrain + nValid ? 1 : 2);
        }
        return SplitParts.fromAssignment(table, order, part);
    }
}
