package org.tandemrec.split;

import java.util.SplittableRandom;
import org.tandemrec.data.InteractionTable;

/**
 * Negatives for CTR / pointwise training on implicit data, fresh each epoch: every positive
 * train row followed by {@code k} sampled items with label 0. Epoch e's draws come from the
 * stream "train-negatives/epoch-e" of the seed, so an epoch replays exactly after a resume.
 *
 * <p>Only the user's train items are excluded: excluding their valid/test items too would tell
 * the model which items are held out.
 */
public final class TrainingNegatives {
    private final InteractionTable train;
    private final UserItems known;
    private final NegativeSampler sampler;
    private final RandomStreams streams;

    /** Uniform negatives. */
    public TrainingNegatives(InteractionTable train, long seed) {
        this(train, new UniformSampler(), seed);
    }

    public TrainingNegatives(InteractionTable train, NegativeSampler sampler, long seed) {
        this.train = train;
        this.known = UserItems.of(train);
        this.sampler = sampler;
        this.streams = new RandomStreams(seed);
    }

    /**
     * The epoch's training rows: each positive row (label 1) in train order followed by its k
     * negatives (label 0, same timestamp). Rows with label 0 in train are kept as they are.
     */
    public InteractionTable epoch(int epoch, int k) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        SplittableRandom random = streams.stream("train-negatives/epoch-" + epoch);
        NegativeDraw draw = new NegativeDraw(sampler, known);
        InteractionTable.Builder b = new InteractionTable.Builder(train.size() * (1 + k));
        for (int r = 0; r < train.size(); r++) {
            int u = train.user(r);
            b.add(u, train.item(r), train.value(r), train.timestamp(r));
            if (train.value(r) == 1f && k > 0) {
                for (int item : draw.draw(u, train.item(r), k, random)) {
                    b.add(u, item, 0f, train.timestamp(r));
                }
            }
        }
        return b.build(train.numUsers(), train.numItems());
    }
}
