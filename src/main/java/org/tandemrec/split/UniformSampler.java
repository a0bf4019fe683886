package org.tandemrec.split;

import java.util.SplittableRandom;

/** Uniform over all free items. */
public final class UniformSampler implements NegativeSampler {
    private static final int MAX_REJECTIONS = 64;

    @Override
    public int draw(int positive, int n, TakenItems taken, SplittableRandom random, int[] out, int offset) {
        int numItems = taken.numItems();
        int drawn = 0;
        int rejections = 0;
        // Rejection is fast while most items are free; when it stalls, enumerate the free items.
        while (drawn < n && rejections < MAX_REJECTIONS * n) {
            int item = random.nextInt(numItems);
            if (taken.take(item)) {
                out[offset + drawn++] = item;
            } else {
                rejections++;
            }
        }
        if (drawn < n) {
            int[] free = new int[taken.freeCount()];
            int f = 0;
            for (int i = 0; i < numItems; i++) {
                if (taken.isFree(i)) {
                    free[f++] = i;
                }
            }
            drawn += taken.takeShuffled(free, f, n - drawn, random, out, offset + drawn);
        }
        return drawn;
    }

    @Override
    public String name() {
        return "uniform";
    }
}
