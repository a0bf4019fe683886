package org.tandemrec.split;

import java.util.SplittableRandom;

/**
 * Draws negative items for one positive. Implementations draw only free items of
 * {@link TakenItems} and take every item they draw, so a list never repeats an item, never
 * holds the positive, and never an item the user interacted with.
 */
public interface NegativeSampler {
    /**
     * Draws up to {@code n} items into {@code out[offset..]}.
     *
     * @return the number drawn; fewer than {@code n} only when this sampler's pool of free
     *     items is exhausted (callers fill the rest with another sampler)
     */
    int draw(int positive, int n, TakenItems taken, SplittableRandom random, int[] out, int offset);

    /** Short name for the manifest and messages. */
    String name();
}
