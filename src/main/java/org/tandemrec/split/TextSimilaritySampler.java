package org.tandemrec.split;

import java.util.SplittableRandom;

/**
 * Draws uniformly among the positive item's M most text-similar items (BDLM §4.1 "text
 * similarity sampling"), skipping taken ones. Returns fewer than asked when fewer of the M
 * neighbours are free.
 */
public final class TextSimilaritySampler implements NegativeSampler {
    private final int[][] neighbours;

    /** @param neighbours per item, its most similar items, most similar first (see {@link TextNeighbours}) */
    public TextSimilaritySampler(int[][] neighbours) {
        this.neighbours = neighbours;
    }

    @Override
    public int draw(int positive, int n, TakenItems taken, SplittableRandom random, int[] out, int offset) {
        int[] near = neighbours[positive];
        int[] free = new int[near.length];
        int f = 0;
        for (int item : near) {
            if (taken.isFree(item)) {
                free[f++] = item;
            }
        }
        return taken.takeShuffled(free, f, n, random, out, offset);
    }

    @Override
    public String name() {
        return "text";
    }
}
