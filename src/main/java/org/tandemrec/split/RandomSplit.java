package org.tandemrec.split;

import java.util.SplittableRandom;
import org.tandemrec.data.InteractionTable;

/**
 * Seeded random ratio split: rows (taken in the table's time order, so reordering the file
 * changes nothing but the order within equal timestamps) are shuffled; the first {@code floor(train·n)} are train, the next
 * {@code floor(valid·n)} validation, the rest test.
 */
public final class RandomSplit implements Splitter {
    private final double trainFraction;
    private final double validFraction;
    private final SplittableRandom random;

    public RandomSplit(double trainFraction, double validFraction, SplittableRandom random) {
        GlobalTimeSplit.checkFractions(trainFraction, validFraction);
        this.trainFraction = trainFraction;
        this.validFraction = validFraction;
        this.random = random;
    }

    @Override
    public SplitParts split(InteractionTable table) {
        int[] order = table.timeOrder();
        int n = order.length;
        int[] shuffled = order.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        int nTrain = GlobalTimeSplit.share(trainFraction, n);
        int nValid = GlobalTimeSplit.share(validFraction, n);
        byte[] part = new byte[n];
        for (int k = 0; k < n; k++) {
            part[shuffled[k]] = (byte) (k < nTrain ? 0 : k < nTrain + nValid ? 1 : 2);
        }
        return SplitParts.fromAssignment(table, order, part);
    }
}
