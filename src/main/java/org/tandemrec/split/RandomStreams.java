package org.tandemrec.split;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Named random streams derived from one seed: the stream for a name depends only on the seed
 * and the name, not on which other streams were used before, so adding a stream never shifts
 * the draws of another.
 */
public final class RandomStreams {
    private final long seed;

    public RandomStreams(long seed) {
        this.seed = seed;
    }

    public SplittableRandom stream(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        // One step of SplittableRandom from (seed, name hash) gives a well-mixed stream seed.
        return new SplittableRandom(new SplittableRandom(seed ^ Long.rotateLeft(h, 17)).nextLong() ^ h);
    }
}
