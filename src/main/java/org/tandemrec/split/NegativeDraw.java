package org.tandemrec.split;

import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;

/**
 * Draws the negatives of one list: the configured sampler first, then uniform over the
 * remaining free items if the sampler's pool ran dry (e.g. a text sampler whose M neighbours
 * the user mostly knows). Excluded are every item the user interacted with in {@code known}
 * (for evaluation lists: the full data, train + valid + test) and the positive.
 *
 * <p>A user with fewer free items than negatives asked for is an error naming the user and the
 * counts, not a shorter list: lists of unequal length would make HR@K incomparable between
 * users and runs. Lower the number of negatives or filter such users out.
 */
public final class NegativeDraw {
    private final NegativeSampler sampler;
    private final UniformSampler fallback = new UniformSampler();
    private final UserItems known;
    private final TakenItems taken;

    public NegativeDraw(NegativeSampler sampler, UserItems known) {
        this.sampler = sampler;
        this.known = known;
        this.taken = new TakenItems(known.numItems());
    }

    /** n negatives for the user's positive (distinct, none known to the user, not the positive). */
    public int[] draw(int user, int positive, int n, SplittableRandom random) {
        taken.reset(known, user, positive);
        if (taken.freeCount() < n) {
            throw new TooFewItemsException(user, "user index " + user + " interacted with " + known.count(user)
                    + " of " + known.numItems() + " items: only " + taken.freeCount()
                    + " items are left as negatives but " + n + " were asked for; lower the negatives or filter"
                    + " out users with this many interactions");
        }
        int[] out = new int[n];
        int drawn = sampler.draw(positive, n, taken, random, out, 0);
        if (drawn < n) {
            drawn += fallback.draw(positive, n - drawn, taken, random, out, drawn);
        }
        if (drawn != n) {
            throw new IllegalStateException("drew " + drawn + " of " + n + " negatives for user index " + user);
        }
        return out;
    }

    /** A user has fewer free items than negatives asked for. */
    public static final class TooFewItemsException extends UsageException {
        private final int user;

        TooFewItemsException(int user, String message) {
            super(message);
            this.user = user;
        }

        /** The user's dense index. */
        public int user() {
            return user;
        }
    }
}
