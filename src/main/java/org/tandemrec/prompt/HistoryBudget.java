package org.tandemrec.prompt;

import java.util.function.IntToLongFunction;
import org.tandemrec.base.UsageException;

/**
 * How many of a history's most recent items a prompt can show: at most N, and as many as fit
 * the token budget, the oldest dropped first. Shared by every prompt that lists a history.
 */
final class HistoryBudget {
    private HistoryBudget() {
    }

    /**
     * The most items (at most {@code maxItems} of {@code available}) whose prompt, counted by
     * {@code tokensWith(n)}, fits {@code budget}; refuses a prompt that does not fit with none.
     */
    static int fitting(int maxItems, int available, int budget, IntToLongFunction tokensWith) {
        int hi = Math.min(maxItems, available);
        if (tokensWith.applyAsLong(hi) <= budget) {
            return hi;
        }
        long bare = tokensWith.applyAsLong(0);
        if (bare > budget) {
            throw new UsageException("the prompt takes " + bare + " tokens without any history, over the"
                    + " token budget of " + budget + "; raise token_budget or shorten the candidate list");
        }
        int lo = 0;
        while (lo < hi - 1) {
            int mid = (lo + hi) >>> 1;
            if (tokensWith.applyAsLong(mid) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
