package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.tandemrec.train.ParameterSet;

/**
 * The sequence network of a next-item model (SASRec, GRU4Rec): from item ids to one hidden
 * state per position. Shapes: B sequences, L positions, d hidden size. Ids are item + 1, 0 is
 * padding (sequences are left-padded, most recent item last).
 */
interface SequenceEncoder {
    /** The model family as written in model files. */
    String kind();

    /** Hidden size d; also the item embedding size (the output layer shares the item table). */
    int dim();

    /** Positions L per sequence. */
    int maxLength();

    /** Dropout probability in training. */
    double dropout();

    /** The parameters besides {@code item_emb} ((I+1) × d), newly initialised from {@code random}. */
    java.util.List<org.tandemrec.train.Parameter> initialise(SplittableRandom random);

    /**
     * Hidden states B × L × d of the left-padded id matrix {@code ids} (B × L, row-major);
     * {@code dropout} is {@link Dropout#NONE} in inference.
     */
    NDArray hidden(AutogradStep step, ParameterSet params, int[] ids, int batch, Dropout dropout);

    /**
     * The name of a 1 × I parameter added to every item's score (an output bias), or null for
     * none.
     */
    default String outputBias() {
        return null;
    }

    /** Extra token rows after the items in {@code item_emb} (e.g. BERT4Rec's [MASK]). */
    default int extraTokens() {
        return 0;
    }

    /**
     * The training loss of a batch of user sequences (item ids, oldest first, at most L+1 long;
     * {@code negatives.sample(k, r)} draws an item user k has not seen). Default: next-item BCE.
     */
    default NDArray trainingLoss(AutogradStep step, ParameterSet params, int[][] sequences,
                                 SequentialRecommender.Negatives negatives, SplittableRandom random) {
        return SequentialRecommender.nextItemLoss(this, step, params, sequences, negatives, random);
    }

    /** The padded ids whose last hidden state represents each user for scoring. */
    default int[] scoringIds(int[][] sequences) {
        return SequentialRecommender.padded(sequences, maxLength());
    }

    /** The settings (for checkpoint fingerprints). */
    Object config();

    /** The config object written into model files: the settings plus the sizes. */
    Object fileConfig(int numUsers, int numItems);
}
