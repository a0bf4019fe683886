package org.tandemrec.split;

import java.util.Arrays;

/**
 * Fixed top-K candidate lists: per list a user, the positive item and the same number of
 * negatives. Lists follow the order of the positive rows of their part (valid or test).
 * Consumers that show candidates to a model must shuffle them with their own seed: here the
 * positive is kept apart so scoring knows which one is right.
 */
public final class CandidateLists {
    private final int[] users;
    private final int[] positives;
    private final int[] negatives;
    private final int negativesPerList;

    /**
     * @param negatives row-major {@code [L, N]}: list l's negatives at {@code l·N .. l·N+N-1}
     */
    public CandidateLists(int[] users, int[] positives, int[] negatives, int negativesPerList) {
        if (users.length != positives.length) {
            throw new IllegalArgumentException("users has " + users.length + " entries, positives " + positives.length);
        }
        if (negativesPerList < 0 || negatives.length != (long) users.length * negativesPerList) {
            throw new IllegalArgumentException("negatives has " + negatives.length + " entries, expected "
                    + users.length + " x " + negativesPerList);
        }
        this.users = users;
        this.positives = positives;
        this.negatives = negatives;
        this.negativesPerList = negativesPerList;
    }

    public static CandidateLists empty() {
        return new CandidateLists(new int[0], new int[0], new int[0], 0);
    }

    public int size() {
        return users.length;
    }

    public int negativesPerList() {
        return negativesPerList;
    }

    public int user(int list) {
        return users[list];
    }

    public int positive(int list) {
        return positives[list];
    }

    /** A copy of the list's negatives. */
    public int[] negatives(int list) {
        return Arrays.copyOfRange(negatives, list * negativesPerList, (list + 1) * negativesPerList);
    }

    public int negative(int list, int k) {
        return negatives[list * negativesPerList + k];
    }

    /** Positive first, then the negatives: {@code 1 + N} items. */
    public int[] candidates(int list) {
        int[] c = new int[negativesPerList + 1];
        c[0] = positives[list];
        System.arraycopy(negatives, list * negativesPerList, c, 1, negativesPerList);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CandidateLists c && negativesPerList == c.negativesPerList
                && Arrays.equals(users, c.users) && Arrays.equals(positives, c.positives)
                && Arrays.equals(negatives, c.negatives);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(users) * 31 + Arrays.hashCode(positives) * 17 + Arrays.hashCode(negatives);
    }
}
