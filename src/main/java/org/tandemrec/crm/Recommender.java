package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.tandemrec.split.SplitIdentity;

/**
 * A trained conventional recommender: immutable and safe to share between threads.
 *
 * <p>Shapes: B pairs in a batch, U users, I items, d embedding size.
 */
public interface Recommender {
    /** What a score means. */
    enum ScoreKind {
        /** A click / interaction probability in [0, 1] (pointwise BCE models). */
        PROBABILITY,
        /** A ranking score: larger is better, no absolute meaning (BPR models, baselines). */
        RANKING
    }

    /** The model family as written in model files, e.g. {@code lightgcn}. */
    String kind();

    int numUsers();

    int numItems();

    ScoreKind scoreKind();

    /** Scores of the pairs (users[b], items[b]); float[B]. */
    float[] score(int[] users, int[] items);

    /** Scores of each user's candidate list; result[b][c] scores candidates[b][c] for users[b]. */
    default float[][] scoreCandidates(int[] users, int[][] candidates) {
        if (users.length != candidates.length) {
            throw new IllegalArgumentException("users (" + users.length + ") and candidate lists (" + candidates.length
                    + ") differ in length");
        }
        int total = 0;
        for (int[] c : candidates) {
            total += c.length;
        }
        int[] us = new int[total];
        int[] is = new int[total];
        int k = 0;
        for (int b = 0; b < users.length; b++) {
            for (int item : candidates[b]) {
                us[k] = users[b];
                is[k++] = item;
            }
        }
        float[] flat = score(us, is);
        float[][] out = new float[users.length][];
        k = 0;
        for (int b = 0; b < users.length; b++) {
            out[b] = java.util.Arrays.copyOfRange(flat, k, k + candidates[b].length);
            k += candidates[b].length;
        }
        return out;
    }

    /** The user representations the model scores with, U × d (a copy). */
    default float[][] userEmbeddings() {
        throw new UnsupportedOperationException(kind() + " has no user embeddings");
    }

    /** The item representations the model scores with, I × d (a copy). */
    default float[][] itemEmbeddings() {
        throw new UnsupportedOperationException(kind() + " has no item embeddings");
    }

    /**
     * Named intermediate outputs for the pairs, each with B rows (e.g. {@code user_embedding} B × d,
     * {@code score} B × 1), created in {@code manager} (the caller closes it). By default the
     * score alone, for models with nothing else to show (the popularity and random floors).
     */
    default Map<String, NDArray> intermediates(NDManager manager, int[] users, int[] items) {
        Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        out.put("score", RowMajor.column(manager, score(users, items)));
        return out;
    }

    /**
     * Writes the model atomically in the {@link ModelFile} format, with no record of a split (a
     * model trained outside a split directory).
     */
    default void save(Path file) {
        save(file, Optional.empty());
    }

    /**
     * Writes the model atomically in the {@link ModelFile} format, recording the split it was
     * trained on when given, so that the file alone refuses to be scored on other users and items
     * ({@link ModelFile#requireSameIds}).
     */
    void save(Path file, Optional<SplitIdentity> trainedOn);

    /** Checks ids before scoring: a clear message instead of an ArrayIndexOutOfBounds. */
    static void checkPairs(Recommender model, int[] users, int[] items) {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users (" + users.length + ") and items (" + items.length
                    + ") differ in length");
        }
        for (int b = 0; b < users.length; b++) {
            if (users[b] < 0 || users[b] >= model.numUsers()) {
                throw new IllegalArgumentException(model.kind() + ": user index " + users[b] + " at position " + b
                        + " outside [0," + model.numUsers() + ")");
            }
            if (items[b] < 0 || items[b] >= model.numItems()) {
                throw new IllegalArgumentException(model.kind() + ": item index " + items[b] + " at position " + b
                        + " outside [0," + model.numItems() + ")");
            }
        }
    }
}
