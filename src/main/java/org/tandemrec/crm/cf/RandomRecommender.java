package org.tandemrec.crm.cf;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.split.SplitIdentity;

/**
 * The random floor: the score of (u, i) is a uniform number in [0, 1) that is a fixed hash of
 * (seed, u, i), so the same pair always gets the same score and runs are replayable.
 */
public final class RandomRecommender implements Recommender {
    public static final String KIND = "random";

    /** @param seed the seed of the hash; @param numUsers user count (> 0); @param numItems item count (> 0) */
    public record Config(long seed, int numUsers, int numItems) {
        public Config {
            if (numUsers <= 0) {
                throw new IllegalArgumentException("numUsers must be > 0, got " + numUsers);
            }
            if (numItems <= 0) {
                throw new IllegalArgumentException("numItems must be > 0, got " + numItems);
            }
        }
    }

    private final Config config;

    public RandomRecommender(Config config) {
        this.config = config;
    }

    @Override public String kind() { return KIND; }
    @Override public int numUsers() { return config.numUsers(); }
    @Override public int numItems() { return config.numItems(); }
    @Override public ScoreKind scoreKind() { return ScoreKind.RANKING; }

    @Override
    public float[] score(int[] users, int[] items) {
        Recommender.checkPairs(this, users, items);
        float[] out = new float[users.length];
        for (int b = 0; b < users.length; b++) {
            long z = config.seed() ^ (((long) users[b] << 32) | (items[b] & 0xffffffffL));
            z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
            z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
            z ^= z >>> 33;
            out[b] = (z >>> 40) / (float) (1 << 24);
        }
        return out;
    }

    @Override
    public void save(Path file, Optional<SplitIdentity> trainedOn) {
        ModelFile.write(file, KIND, trainedOn, config, new LinkedHashMap<>());
    }

    public static RandomRecommender load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, KIND);
        return new RandomRecommender(c.config(file, Config.class));
    }
}
