package org.tandemrec.collab.bdlm;

import java.util.Arrays;
import java.util.Objects;

/**
 * One BDLM fine-tuning example before it becomes a prompt (arXiv 2311.03778 §4.1.3, Table 2):
 * the user, how many of the user's training items form the history (the first {@code position}
 * in time order), and what is asked.
 *
 * @param task       interaction prediction or top-K recommendation
 * @param target     the item asked about (interaction) or the one to pick (top-K)
 * @param positive   interaction: whether {@code target} is the item that came next (answer Yes)
 * @param candidates top-K: the target first, then the negatives (the prompt shuffles them); empty
 *                   for interaction examples
 */
public record BdlmExample(Task task, int user, int position, int target, boolean positive, int[] candidates) {
    /** The two tasks of BDLM's SFT. */
    public enum Task {
        INTERACTION, TOPK
    }

    public BdlmExample {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        if (task == Task.TOPK && (candidates.length < 2 || candidates[0] != target)) {
            throw new IllegalArgumentException("a top-K example lists its target first among at least two candidates");
        }
        candidates = candidates.clone();
    }

    @Override
    public int[] candidates() {
        return candidates.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BdlmExample e && task == e.task && user == e.user && position == e.position
                && target == e.target && positive == e.positive && Arrays.equals(candidates, e.candidates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, user, position, target, positive) * 31 + Arrays.hashCode(candidates);
    }

    @Override
    public String toString() {
        return task + " user " + user + " after " + position + " items: " + target + (task == Task.TOPK
                ? " among " + Arrays.toString(candidates) : positive ? " (yes)" : " (no)");
    }
}
